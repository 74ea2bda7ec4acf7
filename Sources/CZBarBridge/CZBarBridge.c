#include "CZBarBridge.h"
#include <string.h>
#include <zbar.h>

// The only code that includes zbar.h: Swift sees plain bytes and strings.
int livret_zbar_scan_qr(const unsigned char *grey, int width, int height,
                        char **texts, size_t text_capacity, size_t *lengths, int capacity) {
    if (grey == NULL || width <= 0 || height <= 0 || capacity < 0) return -1;
    zbar_image_scanner_t *scanner = zbar_image_scanner_create();
    if (scanner == NULL) return -1;
    zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_t *image = zbar_image_create();
    if (image == NULL) { zbar_image_scanner_destroy(scanner); return -1; }
    zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(image, (unsigned)width, (unsigned)height);
    // No cleanup handler: the pixels stay the caller's.
    zbar_image_set_data(image, grey, (unsigned long)width * (unsigned long)height, NULL);
    int found = zbar_scan_image(scanner, image);
    int count = 0;
    if (found > 0) {
        for (const zbar_symbol_t *symbol = zbar_image_first_symbol(image); symbol != NULL && count < capacity;
             symbol = zbar_symbol_next(symbol)) {
            if (zbar_symbol_get_type(symbol) != ZBAR_QRCODE) continue;
            const char *data = zbar_symbol_get_data(symbol);
            size_t length = zbar_symbol_get_data_length(symbol);
            size_t copied = length < text_capacity - 1 ? length : text_capacity - 1;
            memcpy(texts[count], data, copied);
            texts[count][copied] = 0;
            lengths[count] = length;
            count++;
        }
    }
    zbar_image_destroy(image);
    zbar_image_scanner_destroy(scanner);
    return found < 0 ? -1 : count;
}
