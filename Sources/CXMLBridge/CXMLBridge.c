#include "CXMLBridge.h"
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>
#include <string.h>
#include <stdlib.h>

struct cxml_document { xmlDocPtr doc; };
struct cxml_schema { xmlSchemaPtr schema; };
struct cxml_writer { xmlBufferPtr buffer; xmlTextWriterPtr writer; };

static void copy_message(cxml_error *error, const char *message) {
    if (message == NULL) return;
    strncpy(error->message, message, sizeof error->message - 1);
    error->message[sizeof error->message - 1] = 0;
    size_t n = strlen(error->message);  /* libxml2 messages end with a newline */
    while (n > 0 && (error->message[n - 1] == '\n' || error->message[n - 1] == ' ')) error->message[--n] = 0;
}

/* What the SAX callbacks of one parse share (the parser context's _private). */
typedef struct parse_state {
    cxml_error *error;            /* the first parse error */
    /* Streaming (cxml_parse_records) only. */
    int record_depth;
    cxml_record_sink records;
    void *records_context;
    cxml_error_sink invalid;
    void *invalid_context;
    xmlParserCtxtPtr ctxt;
    xmlNodePtr ending;            /* the element whose end tag was just read, until the next SAX event */
    long ending_line;             /* its line, when it was freed (a record): > 0, or -1 unknown */
    /* Validation errors wait for the next SAX event before their line is taken: past line 65535
       libxml2 finds an element's line through its neighbours, which the tree validator sees
       complete; one event later they exist here too. */
    struct pending_error { xmlNodePtr node; long line; int column; char message[1024]; } *pending;
    size_t pending_count, pending_capacity;
} parse_state;

/* libxml2 keeps reporting after the first fatal error, and xmlCtxtGetLastError
   returns the last one ("Premature end of data..."). Keep the first instead. */
static void keep_first_error(void *user_data, xmlErrorPtr err) {
    /* libxml2 passes the context's userData, which a schema plug replaces with its own block;
       the error names the parser context itself. */
    xmlParserCtxtPtr ctxt = err != NULL && err->ctxt != NULL ? err->ctxt : user_data;
    parse_state *state = ctxt != NULL ? ctxt->_private : NULL;
    if (state == NULL || state->ctxt != ctxt) return;
    cxml_error *error = state->error;
    if (error == NULL || error->code != 0 || err == NULL) return;
    if (err->level == XML_ERR_WARNING) return;
    error->code = err->code != 0 ? err->code : -1;
    error->line = err->line;
    error->column = err->int2;
    copy_message(error, err->message);
}

/* A DTD is where entities (external ones, "billion laughs") are declared: refuse it before
   anything in it is read. */
static void refuse_dtd(void *ctx, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id) {
    (void)name; (void)external_id; (void)system_id;
    xmlParserCtxtPtr ctxt = ctx;
    cxml_error *error = ctxt->_private != NULL ? ((parse_state *)ctxt->_private)->error : NULL;
    if (error != NULL && error->code == 0) {
        error->code = XML_ERR_USER_STOP;
        error->line = ctxt->input != NULL ? ctxt->input->line : 0;
        error->column = ctxt->input != NULL ? ctxt->input->col : 0;
        copy_message(error, "a document type declaration (DTD, entities) is not allowed in this file");
    }
    xmlStopParser(ctxt);
}

static long element_line(xmlNodePtr node);
static void forward_error(cxml_error_sink sink, void *context, xmlErrorPtr err, long line);

/* ---- streaming: records handed out as their end tag is read ---------------------------------- */

/* The SAX handlers of the tree builder, wrapped: the records are cut out of the tree as they end,
   and the validator (plugged on top of these, so it runs after them for each event) is told which
   element an error concerns. */
static void flush_pending(parse_state *state) {
    for (size_t i = 0; i < state->pending_count; i++) {
        struct pending_error *error = &state->pending[i];
        long line = error->node != NULL ? element_line(error->node) : error->line;
        if (line <= 0) line = error->line;
        state->invalid(state->invalid_context, line, error->column, error->message);
    }
    state->pending_count = 0;
}

static void stream_start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *URI,
                                 int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
                                 const xmlChar **attributes) {
    xmlParserCtxtPtr ctxt = ctx;
    parse_state *state = ctxt->_private;
    state->ending = NULL;
    state->ending_line = 0;
    xmlSAX2StartElementNs(ctx, localname, prefix, URI, nb_namespaces, namespaces, nb_attributes, nb_defaulted, attributes);
    flush_pending(state);
}

static void stream_characters(void *ctx, const xmlChar *text, int length) {
    xmlParserCtxtPtr ctxt = ctx;
    parse_state *state = ctxt->_private;
    state->ending = NULL;
    state->ending_line = 0;
    xmlSAX2Characters(ctx, text, length);
    flush_pending(state);
}

static void stream_end_element(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *URI) {
    xmlParserCtxtPtr ctxt = ctx;
    parse_state *state = ctxt->_private;
    flush_pending(state);
    xmlNodePtr closing = ctxt->node;
    xmlSAX2EndElementNs(ctx, localname, prefix, URI);
    /* The validator's checks at this end tag (missing children, simple content, identity
       constraints) concern `closing`: the tree validator gives the line where it starts. */
    state->ending = closing;
    state->ending_line = 0;
    if (closing == NULL || closing->type != XML_ELEMENT_NODE || ctxt->nodeNr != state->record_depth
        || !ctxt->wellFormed || ctxt->disableSAX || state->records == NULL) return;
    /* A record: its line now, while it exists. */
    state->ending_line = element_line(closing);
    if (state->ending_line <= 0) state->ending_line = -1;
    if (state->records(state->records_context, (const cxml_node *)closing)) return;
    state->ending = NULL;
    /* Free the record and the text before it (indentation): the parent's last child is then never a
       text node the parser would append to (its nodelen/nodemem bookkeeping belongs to another node). */
    xmlNodePtr previous = closing->prev;
    while (previous != NULL && previous->type == XML_TEXT_NODE) {
        xmlNodePtr before = previous->prev;
        xmlUnlinkNode(previous);
        xmlFreeNode(previous);
        previous = before;
    }
    xmlUnlinkNode(closing);
    xmlFreeNode(closing);
}

/* Validation errors met while streaming: the SAX validator knows no node, so the line is the one
   of the element the event concerns (its start, as the tree validator gives). */
static void forward_stream_validation_error(void *user_data, xmlErrorPtr err) {
    parse_state *state = user_data;
    if (err == NULL || err->level == XML_ERR_WARNING || state->invalid == NULL) return;
    if (state->pending_count == state->pending_capacity) {
        size_t capacity = state->pending_capacity == 0 ? 16 : state->pending_capacity * 2;
        struct pending_error *grown = realloc(state->pending, capacity * sizeof *grown);
        if (grown == NULL) return;
        state->pending = grown;
        state->pending_capacity = capacity;
    }
    struct pending_error *error = &state->pending[state->pending_count++];
    error->node = NULL;
    error->line = err->line;
    error->column = err->int2;
    if (state->ending_line != 0) {
        if (state->ending_line > 0) error->line = state->ending_line;
    } else if (state->ending != NULL) {
        error->node = state->ending;
    } else if (state->ctxt->node != NULL && state->ctxt->node->type == XML_ELEMENT_NODE) {
        error->node = state->ctxt->node;
    }
    memset(error->message, 0, sizeof error->message);
    if (err->message != NULL) {
        strncpy(error->message, err->message, sizeof error->message - 1);
        size_t n = strlen(error->message);
        while (n > 0 && (error->message[n - 1] == '\n' || error->message[n - 1] == ' ')) error->message[--n] = 0;
    }
}

/* The bytes of a document held in memory, handed to libxml2 a chunk at a time. */
typedef struct memory_reader { const char *bytes; size_t length; size_t offset; } memory_reader;

static int read_memory(void *context, char *buffer, int length) {
    memory_reader *reader = context;
    if (length <= 0) return 0;
    size_t count = reader->length - reader->offset;
    if (count > (size_t)length) count = (size_t)length;
    memcpy(buffer, reader->bytes + reader->offset, count);
    reader->offset += count;
    return (int)count;
}

/* Parses `bytes` with the context's handlers; the common part of cxml_parse and cxml_parse_records. */
static xmlDocPtr parse_with(xmlParserCtxtPtr ctxt, cxml_read_callback read, void *read_context, const char *url, cxml_error *error) {
    /* Never XML_PARSE_NOENT (entity substitution), XML_PARSE_DTDLOAD or XML_PARSE_HUGE. */
    int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES
                | XML_PARSE_NOCDATA;
    /* Bytes in memory go to xmlCtxtReadMemory (libxml2 2.9 copies them whole into its buffer: the
       small files). A file read through callbacks (the LSL file) is read a few kilobytes at a time
       and what was parsed is let go; the one difference: a single text over 10,000,000 bytes, which
       libxml2 then receives in pieces, is refused as a "huge text node". */
    xmlDocPtr doc;
    if (read == read_memory) {
        memory_reader *reader = read_context;
        doc = xmlCtxtReadMemory(ctxt, reader->bytes, (int)reader->length, url, NULL, options);
    } else {
        doc = xmlCtxtReadIO(ctxt, read, NULL, read_context, url, NULL, options);
    }
    int failed = doc == NULL || error->code != 0 || !ctxt->wellFormed;
    if (failed) {
        if (error->code == 0) {
            const xmlError *last = xmlCtxtGetLastError(ctxt);
            error->code = -1;
            if (last != NULL && last->code != 0) {
                error->code = last->code;
                error->line = last->line;
                error->column = last->int2;
                copy_message(error, last->message);
            } else {
                copy_message(error, "the document is not well-formed");
            }
        }
        if (doc != NULL) xmlFreeDoc(doc);
        return NULL;
    }
    if (doc->intSubset != NULL || doc->extSubset != NULL) {  /* belt and braces */
        xmlFreeDoc(doc);
        error->code = -1;
        copy_message(error, "a document type declaration (DTD, entities) is not allowed in this file");
        return NULL;
    }
    return doc;
}

static cxml_document *wrap_document(xmlDocPtr doc, cxml_error *error) {
    if (doc == NULL) return NULL;
    cxml_document *result = malloc(sizeof *result);
    if (result == NULL) { xmlFreeDoc(doc); error->code = -1; copy_message(error, "out of memory"); return NULL; }
    result->doc = doc;
    return result;
}

static xmlParserCtxtPtr new_context(parse_state *state, size_t length, cxml_error *error) {
    memset(error, 0, sizeof *error);
    if (length > (size_t)0x7fffffff) {
        error->code = -1;
        copy_message(error, "file too large for the XML parser");
        return NULL;
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) { error->code = -1; copy_message(error, "out of memory"); return NULL; }
    state->error = error;
    state->ctxt = ctxt;
    ctxt->_private = state;
    ctxt->sax->serror = keep_first_error;
    ctxt->sax->internalSubset = refuse_dtd;
    ctxt->sax->externalSubset = refuse_dtd;
    return ctxt;
}

static void free_context(xmlParserCtxtPtr ctxt) {
    ctxt->_private = NULL;
    xmlFreeParserCtxt(ctxt);
}

cxml_document *cxml_parse(const char *bytes, size_t length, const char *url, cxml_error *error) {
    parse_state state = { 0 };
    xmlParserCtxtPtr ctxt = new_context(&state, length, error);
    if (ctxt == NULL) return NULL;
    memory_reader reader = { bytes, length, 0 };
    xmlDocPtr doc = parse_with(ctxt, read_memory, &reader, url, error);
    free_context(ctxt);
    return wrap_document(doc, error);
}

static cxml_document *parse_records(cxml_read_callback read, void *read_context, size_t length, const char *url,
                                    int record_depth, cxml_record_sink records, void *records_context,
                                    const cxml_schema *schema, cxml_error_sink invalid, void *invalid_context,
                                    int *validation_status, cxml_error *error);

cxml_document *cxml_parse_records(const char *bytes, size_t length, const char *url, int record_depth,
                                  cxml_record_sink records, void *records_context,
                                  const cxml_schema *schema, cxml_error_sink invalid, void *invalid_context,
                                  int *validation_status, cxml_error *error) {
    memory_reader reader = { bytes, length, 0 };
    return parse_records(read_memory, &reader, length, url, record_depth, records, records_context, schema, invalid,
                         invalid_context, validation_status, error);
}

cxml_document *cxml_parse_records_io(cxml_read_callback read, void *read_context, const char *url, int record_depth,
                                     cxml_record_sink records, void *records_context,
                                     const cxml_schema *schema, cxml_error_sink invalid, void *invalid_context,
                                     int *validation_status, cxml_error *error) {
    return parse_records(read, read_context, 0, url, record_depth, records, records_context, schema, invalid,
                         invalid_context, validation_status, error);
}

static cxml_document *parse_records(cxml_read_callback read, void *read_context, size_t length, const char *url,
                                    int record_depth, cxml_record_sink records, void *records_context,
                                    const cxml_schema *schema, cxml_error_sink invalid, void *invalid_context,
                                    int *validation_status, cxml_error *error) {
    if (validation_status != NULL) *validation_status = 0;
    parse_state state = { 0 };
    xmlParserCtxtPtr ctxt = new_context(&state, length, error);
    if (ctxt == NULL) return NULL;
    state.record_depth = record_depth;
    state.records = records;
    state.records_context = records_context;
    state.invalid = invalid;
    state.invalid_context = invalid_context;
    ctxt->sax->startElementNs = stream_start_element;
    ctxt->sax->endElementNs = stream_end_element;
    ctxt->sax->characters = stream_characters;
    ctxt->sax->ignorableWhitespace = stream_characters;
    xmlSchemaValidCtxtPtr vctxt = NULL;
    xmlSchemaSAXPlugPtr plug = NULL;
    if (schema != NULL) {
        vctxt = xmlSchemaNewValidCtxt(schema->schema);
        if (vctxt != NULL) {
            xmlSchemaSetValidStructuredErrors(vctxt, forward_stream_validation_error, &state);
            plug = xmlSchemaSAXPlug(vctxt, &ctxt->sax, &ctxt->userData);
        }
        if (plug == NULL) {
            if (vctxt != NULL) xmlSchemaFreeValidCtxt(vctxt);
            free_context(ctxt);
            error->code = -1;
            copy_message(error, "the schema check could not start (internal error)");
            if (validation_status != NULL) *validation_status = -1;
            return NULL;
        }
        /* The plug's handler block does not carry the structured error handler: parse errors must
           still reach keep_first_error (the first error, not libxml2's last). */
        ctxt->sax->serror = keep_first_error;
    }
    xmlDocPtr doc = parse_with(ctxt, read, read_context, url, error);
    if (plug != NULL) {
        xmlSchemaSAXUnplug(plug);
        if (validation_status != NULL) *validation_status = xmlSchemaIsValid(vctxt) ? 0 : 1;
        xmlSchemaFreeValidCtxt(vctxt);
    }
    if (doc != NULL) flush_pending(&state);  /* (after a parse error they do not count) */
    free(state.pending);
    free_context(ctxt);
    return wrap_document(doc, error);
}

void cxml_free(cxml_document *document) {
    if (document == NULL) return;
    xmlFreeDoc(document->doc);
    free(document);
}

static const cxml_node *element_from(xmlNodePtr node) {
    for (; node != NULL; node = node->next) {
        if (node->type == XML_ELEMENT_NODE) return (const cxml_node *)node;
    }
    return NULL;
}

const cxml_node *cxml_root(const cxml_document *document) {
    return (const cxml_node *)xmlDocGetRootElement(document->doc);
}

const cxml_node *cxml_first_child(const cxml_node *node) {
    return element_from(((xmlNodePtr)node)->children);
}

const cxml_node *cxml_next_sibling(const cxml_node *node) {
    return element_from(((xmlNodePtr)node)->next);
}

const cxml_node *cxml_previous_sibling(const cxml_node *node) {
    for (xmlNodePtr previous = ((xmlNodePtr)node)->prev; previous != NULL; previous = previous->prev) {
        if (previous->type == XML_ELEMENT_NODE) return (const cxml_node *)previous;
    }
    return NULL;
}

const cxml_node *cxml_parent(const cxml_node *node) {
    xmlNodePtr parent = ((xmlNodePtr)node)->parent;
    return parent != NULL && parent->type == XML_ELEMENT_NODE ? (const cxml_node *)parent : NULL;
}

const char *cxml_name(const cxml_node *node) {
    return (const char *)((xmlNodePtr)node)->name;
}

const char *cxml_namespace(const cxml_node *node) {
    xmlNsPtr ns = ((xmlNodePtr)node)->ns;
    return ns != NULL ? (const char *)ns->href : NULL;
}

/* The line where an element starts. Past line 65535 libxml2 keeps the line only in text nodes
   (XML_PARSE_BIG_LINES), as the line where the text ENDS, and xmlGetLineNo answers with the first
   child's: one too far for an indented file. The text just before the element ends where it starts. */
static long element_line(xmlNodePtr node) {
    if (node->line < 65535) return node->line;
    if (node->prev != NULL && node->prev->type == XML_TEXT_NODE) {
        long line = xmlGetLineNo(node->prev);
        if (line > 0) return line;
    }
    xmlNodePtr child = node->children;
    if (child != NULL && child->type == XML_TEXT_NODE && child->content != NULL) {
        long line = xmlGetLineNo(child);
        for (const xmlChar *c = child->content; *c; c++) if (*c == '\n') line--;
        if (line > 0) return line;
    }
    return xmlGetLineNo(node);
}

long cxml_line(const cxml_node *node) {
    return element_line((xmlNodePtr)node);
}

char *cxml_text(const cxml_node *node) {
    xmlNodePtr child = ((xmlNodePtr)node)->children;
    xmlBufferPtr buffer = NULL;
    const xmlChar *single = NULL;
    int count = 0;
    for (; child != NULL; child = child->next) {
        if ((child->type != XML_TEXT_NODE && child->type != XML_CDATA_SECTION_NODE) || child->content == NULL) continue;
        if (count == 0) {
            single = child->content;
        } else {
            if (buffer == NULL) { buffer = xmlBufferCreate(); xmlBufferCat(buffer, single); }
            xmlBufferCat(buffer, child->content);
        }
        count++;
    }
    if (count == 0) return NULL;
    if (buffer == NULL) return strdup((const char *)single);
    char *result = strdup((const char *)xmlBufferContent(buffer));
    xmlBufferFree(buffer);
    return result;
}

const cxml_attr *cxml_first_attribute(const cxml_node *node) {
    return (const cxml_attr *)((xmlNodePtr)node)->properties;
}

const cxml_attr *cxml_next_attribute(const cxml_attr *attribute) {
    return (const cxml_attr *)((xmlAttrPtr)attribute)->next;
}

const char *cxml_attribute_name(const cxml_attr *attribute) {
    return (const char *)((xmlAttrPtr)attribute)->name;
}

char *cxml_attribute_value(const cxml_attr *attribute) {
    xmlAttrPtr attr = (xmlAttrPtr)attribute;
    if (attr->children != NULL && attr->children->next == NULL && attr->children->type == XML_TEXT_NODE
        && attr->children->content != NULL) {
        return strdup((const char *)attr->children->content);
    }
    xmlChar *value = xmlNodeListGetString(attr->doc, attr->children, 1);
    if (value == NULL) return strdup("");
    char *result = strdup((const char *)value);
    xmlFree(value);
    return result;
}

void cxml_string_free(char *string) {
    free(string);
}

/* ---- XSD ---------------------------------------------------------------------------------- */

static void keep_first_schema_error(void *user_data, xmlErrorPtr err) {
    cxml_error *error = user_data;
    if (error == NULL || error->code != 0 || err == NULL || err->level == XML_ERR_WARNING) return;
    error->code = err->code != 0 ? err->code : -1;
    error->line = err->line;
    error->column = err->int2;
    copy_message(error, err->message);
}

cxml_schema *cxml_schema_new(const char *bytes, size_t length, cxml_error *error) {
    memset(error, 0, sizeof *error);
    xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewMemParserCtxt(bytes, (int)length);
    if (pctxt == NULL) { error->code = -1; copy_message(error, "cannot read the schema"); return NULL; }
    xmlSchemaSetParserStructuredErrors(pctxt, keep_first_schema_error, error);
    xmlSchemaPtr schema = xmlSchemaParse(pctxt);
    xmlSchemaFreeParserCtxt(pctxt);
    if (schema == NULL) {
        if (error->code == 0) { error->code = -1; copy_message(error, "the schema is not valid"); }
        return NULL;
    }
    cxml_schema *result = malloc(sizeof *result);
    if (result == NULL) { xmlSchemaFree(schema); error->code = -1; copy_message(error, "out of memory"); return NULL; }
    result->schema = schema;
    return result;
}

void cxml_schema_free(cxml_schema *schema) {
    if (schema == NULL) return;
    xmlSchemaFree(schema->schema);
    free(schema);
}

typedef struct sink_context { cxml_error_sink sink; void *context; } sink_context;

static void forward_error(cxml_error_sink sink, void *context, xmlErrorPtr err, long line) {
    char message[1024] = {0};
    if (err->message != NULL) {
        strncpy(message, err->message, sizeof message - 1);
        size_t n = strlen(message);
        while (n > 0 && (message[n - 1] == '\n' || message[n - 1] == ' ')) message[--n] = 0;
    }
    sink(context, line, err->int2, message);
}

static void forward_validation_error(void *user_data, xmlErrorPtr err) {
    sink_context *target = user_data;
    if (err == NULL || err->level == XML_ERR_WARNING) return;
    long line = err->line;
    xmlNodePtr node = err->node;
    if (node != NULL && node->type == XML_ATTRIBUTE_NODE) node = node->parent;
    if (node != NULL && node->type == XML_ELEMENT_NODE) {
        long nodeLine = element_line(node);
        if (nodeLine > 0) line = nodeLine;
    }
    forward_error(target->sink, target->context, err, line);
}

int cxml_schema_validate(const cxml_schema *schema, const cxml_document *document,
                         cxml_error_sink sink, void *context) {
    xmlSchemaValidCtxtPtr vctxt = xmlSchemaNewValidCtxt(schema->schema);
    if (vctxt == NULL) return -1;
    sink_context target = { sink, context };
    xmlSchemaSetValidStructuredErrors(vctxt, forward_validation_error, &target);
    int status = xmlSchemaValidateDoc(vctxt, document->doc);
    xmlSchemaFreeValidCtxt(vctxt);
    return status;
}

/* ---- writing ------------------------------------------------------------------------------ */

cxml_writer *cxml_writer_new(void) {
    cxml_writer *result = malloc(sizeof *result);
    if (result == NULL) return NULL;
    result->buffer = xmlBufferCreate();
    if (result->buffer == NULL) { free(result); return NULL; }
    result->writer = xmlNewTextWriterMemory(result->buffer, 0);
    if (result->writer == NULL) { xmlBufferFree(result->buffer); free(result); return NULL; }
    xmlTextWriterSetIndent(result->writer, 1);
    xmlTextWriterSetIndentString(result->writer, BAD_CAST "  ");
    return result;
}

void cxml_writer_free(cxml_writer *writer) {
    if (writer == NULL) return;
    if (writer->writer != NULL) xmlFreeTextWriter(writer->writer);
    xmlBufferFree(writer->buffer);
    free(writer);
}

int cxml_writer_start_document(cxml_writer *writer) {
    return xmlTextWriterStartDocument(writer->writer, "1.0", "UTF-8", NULL);
}

int cxml_writer_start_element(cxml_writer *writer, const char *name) {
    return xmlTextWriterStartElement(writer->writer, BAD_CAST name);
}

int cxml_writer_start_element_ns(cxml_writer *writer, const char *prefix, const char *name, const char *uri) {
    return xmlTextWriterStartElementNS(writer->writer, BAD_CAST prefix, BAD_CAST name, BAD_CAST uri);
}

int cxml_writer_attribute(cxml_writer *writer, const char *name, const char *value) {
    return xmlTextWriterWriteAttribute(writer->writer, BAD_CAST name, BAD_CAST value);
}

int cxml_writer_text(cxml_writer *writer, const char *text) {
    return xmlTextWriterWriteString(writer->writer, BAD_CAST text);
}

int cxml_writer_end_element(cxml_writer *writer) {
    return xmlTextWriterEndElement(writer->writer);
}

int cxml_writer_finish(cxml_writer *writer, const char **bytes, size_t *length) {
    int status = xmlTextWriterEndDocument(writer->writer);
    if (status < 0) return status;
    xmlFreeTextWriter(writer->writer);  /* flushes into the buffer */
    writer->writer = NULL;
    *bytes = (const char *)xmlBufferContent(writer->buffer);
    *length = (size_t)xmlBufferLength(writer->buffer);
    return 0;
}
