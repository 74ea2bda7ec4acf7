#include "CScanImage.h"
#include <cairo.h>
#include <poppler.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

static void set_error(char *error, size_t capacity, const char *format, ...) {
    if (error == NULL || capacity == 0) return;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(error, capacity, format, arguments);
    va_end(arguments);
}

void livret_scan_free(unsigned char *pixels) { free(pixels); }

static int too_large(long width, long height, long max_pixels) {
    return width <= 0 || height <= 0 || width > 65535 || height > 65535 || width * height > max_pixels;
}

/// The dimensions of an image refused by `too_large`, given back so that the caller can tell this
/// refusal from a decoding failure (clamped to what an int holds).
static void report_size(double width, double height, int *out_width, int *out_height) {
    *out_width = width > 2147483647.0 ? 2147483647 : (width < 0 || width != width ? 0 : (int)width);
    *out_height = height > 2147483647.0 ? 2147483647 : (height < 0 || height != height ? 0 : (int)height);
}

/// A cairo image surface (ARGB32, RGB24 or A8) as grey: luma of the colour composited on white.
static unsigned char *grey_from_surface(cairo_surface_t *surface, int *width, int *height, char *error, size_t capacity) {
    cairo_surface_flush(surface);
    int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    cairo_format_t format = cairo_image_surface_get_format(surface);
    const unsigned char *data = cairo_image_surface_get_data(surface);
    if (data == NULL || w <= 0 || h <= 0) { set_error(error, capacity, "the image has no pixels"); return NULL; }
    unsigned char *grey = malloc((size_t)w * (size_t)h);
    if (grey == NULL) { set_error(error, capacity, "out of memory for %d x %d pixels", w, h); return NULL; }
    for (int y = 0; y < h; y++) {
        const unsigned char *row = data + (size_t)y * (size_t)stride;
        for (int x = 0; x < w; x++) {
            unsigned value;
            if (format == CAIRO_FORMAT_A8) {
                value = 255 - row[x];
            } else {
                uint32_t pixel = ((const uint32_t *)row)[x];
                unsigned a = format == CAIRO_FORMAT_ARGB32 ? (pixel >> 24) & 0xFF : 255;
                unsigned r = (pixel >> 16) & 0xFF, g = (pixel >> 8) & 0xFF, b = pixel & 0xFF;  // premultiplied
                unsigned luma = (299 * r + 587 * g + 114 * b) / 1000;
                value = luma + (255 - a);  // over white
                if (value > 255) value = 255;
            }
            grey[(size_t)y * (size_t)w + (size_t)x] = (unsigned char)value;
        }
    }
    *width = w;
    *height = h;
    return grey;
}

// MARK: PNG (cairo)

struct memory_reader { const unsigned char *data; size_t length; size_t offset; };

static cairo_status_t read_memory(void *closure, unsigned char *out, unsigned int length) {
    struct memory_reader *reader = closure;
    if (reader->offset + length > reader->length) return CAIRO_STATUS_READ_ERROR;
    memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
    return CAIRO_STATUS_SUCCESS;
}

unsigned char *livret_scan_png(const unsigned char *data, size_t length, long max_pixels,
                               int *width, int *height, char *error, size_t capacity) {
    // The IHDR chunk comes first (PNG spec 5.2, 11.2.2): its width and height are checked before
    // cairo allocates anything.
    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (length < 33 || memcmp(data, signature, 8) != 0 || memcmp(data + 12, "IHDR", 4) != 0) {
        set_error(error, capacity, "not a PNG file (no PNG signature and IHDR chunk)");
        return NULL;
    }
    long w = ((long)data[16] << 24) | ((long)data[17] << 16) | ((long)data[18] << 8) | data[19];
    long h = ((long)data[20] << 24) | ((long)data[21] << 16) | ((long)data[22] << 8) | data[23];
    if (too_large(w, h, max_pixels)) {
        set_error(error, capacity, "the PNG is %ld x %ld pixels: more than the %ld pixels a scan may have", w, h, max_pixels);
        report_size((double)w, (double)h, width, height);
        return NULL;
    }
    struct memory_reader reader = {data, length, 0};
    cairo_surface_t *surface = cairo_image_surface_create_from_png_stream(read_memory, &reader);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        set_error(error, capacity, "the PNG cannot be decoded: %s", cairo_status_to_string(cairo_surface_status(surface)));
        cairo_surface_destroy(surface);
        return NULL;
    }
    unsigned char *grey = grey_from_surface(surface, width, height, error, capacity);
    cairo_surface_destroy(surface);
    return grey;
}

// MARK: JPEG (libjpeg)

struct jpeg_failure { struct jpeg_error_mgr manager; jmp_buf jump; char message[JMSG_LENGTH_MAX]; };

static void jpeg_fail(j_common_ptr info) {
    struct jpeg_failure *failure = (struct jpeg_failure *)info->err;
    (*info->err->format_message)(info, failure->message);
    longjmp(failure->jump, 1);
}

static void jpeg_quiet(j_common_ptr info, int level) { (void)info; (void)level; }

unsigned char *livret_scan_jpeg(const unsigned char *data, size_t length, long max_pixels,
                                int *width, int *height, char *error, size_t capacity) {
    struct jpeg_decompress_struct info;
    struct jpeg_failure failure;
    unsigned char *volatile grey = NULL;
    info.err = jpeg_std_error(&failure.manager);
    failure.manager.error_exit = jpeg_fail;
    failure.manager.emit_message = jpeg_quiet;
    failure.message[0] = 0;
    if (setjmp(failure.jump)) {
        set_error(error, capacity, "the JPEG cannot be decoded: %s", failure.message);
        jpeg_destroy_decompress(&info);
        free(grey);
        return NULL;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)length);
    jpeg_read_header(&info, TRUE);
    if (too_large((long)info.image_width, (long)info.image_height, max_pixels)) {
        set_error(error, capacity, "the JPEG is %u x %u pixels: more than the %ld pixels a scan may have",
                  info.image_width, info.image_height, max_pixels);
        report_size((double)info.image_width, (double)info.image_height, width, height);
        jpeg_destroy_decompress(&info);
        return NULL;
    }
    info.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&info);
    size_t w = info.output_width, h = info.output_height;
    grey = malloc(w * h);
    if (grey == NULL) longjmp(failure.jump, 1);
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = grey + (size_t)info.output_scanline * w;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    *width = (int)w;
    *height = (int)h;
    return grey;
}

// MARK: PDF (poppler-glib)

static PopplerDocument *open_pdf(const unsigned char *data, size_t length, char *error, size_t capacity) {
    GBytes *bytes = g_bytes_new_static(data, length);
    GError *failure = NULL;
    PopplerDocument *document = poppler_document_new_from_bytes(bytes, NULL, &failure);
    g_bytes_unref(bytes);
    if (document == NULL) {
        set_error(error, capacity, "the PDF cannot be read: %s", failure ? failure->message : "unknown error");
        if (failure) g_error_free(failure);
    }
    return document;
}

int livret_scan_pdf_pages(const unsigned char *data, size_t length, char *error, size_t capacity) {
    PopplerDocument *document = open_pdf(data, length, error, capacity);
    if (document == NULL) return -1;
    int pages = poppler_document_get_n_pages(document);
    g_object_unref(document);
    return pages;
}

unsigned char *livret_scan_pdf_page(const unsigned char *data, size_t length, int index, double dpi, long max_pixels,
                                    int *width, int *height, char *error, size_t capacity) {
    PopplerDocument *document = open_pdf(data, length, error, capacity);
    if (document == NULL) return NULL;
    PopplerPage *page = poppler_document_get_page(document, index);
    if (page == NULL) {
        set_error(error, capacity, "the PDF has no page %d", index + 1);
        g_object_unref(document);
        return NULL;
    }
    double points_w = 0, points_h = 0;
    poppler_page_get_size(page, &points_w, &points_h);
    double scale = dpi / 72.0;
    double pw = points_w * scale, ph = points_h * scale;
    if (!(pw >= 1 && ph >= 1 && pw <= 65535 && ph <= 65535 && pw * ph <= (double)max_pixels)) {
        set_error(error, capacity, "page %d is %.0f x %.0f points: more than the %ld pixels a scan may have at %.0f dpi",
                  index + 1, points_w, points_h, max_pixels, dpi);
        report_size(pw, ph, width, height);
        g_object_unref(page);
        g_object_unref(document);
        return NULL;
    }
    int w = (int)(pw + 0.5), h = (int)(ph + 0.5);
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    unsigned char *grey = NULL;
    if (cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS) {
        cairo_t *cr = cairo_create(surface);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, scale, scale);
        poppler_page_render_for_printing(page, cr);
        cairo_status_t status = cairo_status(cr);
        cairo_destroy(cr);
        if (status == CAIRO_STATUS_SUCCESS) {
            grey = grey_from_surface(surface, width, height, error, capacity);
        } else {
            set_error(error, capacity, "page %d cannot be drawn: %s", index + 1, cairo_status_to_string(status));
        }
    } else {
        set_error(error, capacity, "no memory for page %d at %.0f dpi", index + 1, dpi);
    }
    cairo_surface_destroy(surface);
    g_object_unref(page);
    g_object_unref(document);
    return grey;
}
