#ifndef CSCANIMAGE_H
#define CSCANIMAGE_H
#include <stddef.h>

/// Decoders of scanned images into 8-bit grey pixels (0 black, 255 white), rows of `*width`
/// bytes. Each returns a buffer the caller frees with `livret_scan_free`, or NULL with a message
/// in `error` (`error_capacity` bytes). Dimensions are checked against `max_pixels` before any
/// pixel buffer is allocated (decompression bombs are refused); such a refusal sets `*width` and
/// `*height` to the dimensions refused, any other failure leaves them as they were. No library
/// type crosses this header.

/// A PNG, decoded by cairo (`cairo_image_surface_create_from_png_stream`).
unsigned char *livret_scan_png(const unsigned char *data, size_t length, long max_pixels,
                               int *width, int *height, char *error, size_t error_capacity);

/// A JPEG, decoded by libjpeg(-turbo) straight to greyscale.
unsigned char *livret_scan_jpeg(const unsigned char *data, size_t length, long max_pixels,
                                int *width, int *height, char *error, size_t error_capacity);

/// The number of pages of a PDF (poppler-glib), or -1 with a message in `error`.
int livret_scan_pdf_pages(const unsigned char *data, size_t length, char *error, size_t error_capacity);

/// Page `index` (from 0) of a PDF rendered by poppler-glib into a cairo image surface at `dpi`
/// on white.
unsigned char *livret_scan_pdf_page(const unsigned char *data, size_t length, int index, double dpi, long max_pixels,
                                    int *width, int *height, char *error, size_t error_capacity);

/// Frees a buffer returned above.
void livret_scan_free(unsigned char *pixels);

#endif
