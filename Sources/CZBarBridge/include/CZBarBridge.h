#ifndef CZBARBRIDGE_H
#define CZBARBRIDGE_H
#include <stddef.h>

/// The QR codes found in an 8-bit grey image (0 black, 255 white), `width` × `height` pixels,
/// rows of `width` bytes. Returns the number of codes found (at most `capacity`), or -1 when
/// the image could not be scanned. Each code's bytes are copied into `texts[i]` (up to
/// `text_capacity - 1` bytes, NUL-terminated); `lengths[i]` is its full length (longer than
/// `text_capacity - 1`: truncated, the caller refuses it). No zbar type crosses this header.
int livret_zbar_scan_qr(const unsigned char *grey, int width, int height,
                        char **texts, size_t text_capacity, size_t *lengths, int capacity);

#endif
