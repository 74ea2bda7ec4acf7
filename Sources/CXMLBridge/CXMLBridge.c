#include "CXMLBridge.h"
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <string.h>
#include <stdlib.h>

struct cxml_document { xmlDocPtr doc; };

/* libxml2 keeps reporting after the first fatal error, and xmlCtxtGetLastError
   returns the last one ("Premature end of data..."). Keep the first instead. */
static void keep_first_error(void *user_data, xmlErrorPtr err) {
    xmlParserCtxtPtr ctxt = user_data;
    cxml_error *error = ctxt->_private;
    if (error == NULL || error->code != 0 || err == NULL) return;
    error->code = err->code;
    error->line = err->line;
    error->column = err->int2;
    if (err->message != NULL) strncpy(error->message, err->message, sizeof error->message - 1);
}

cxml_document *cxml_parse(const char *bytes, size_t length, const char *url, cxml_error *error) {
    memset(error, 0, sizeof *error);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) { strcpy(error->message, "out of memory"); return NULL; }
    ctxt->_private = error;
    ctxt->sax->serror = keep_first_error;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, bytes, (int)length, url, "UTF-8",
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL) {
        const xmlError *last = xmlCtxtGetLastError(ctxt);
        if (error->code == 0 && last != NULL) {
            error->code = last->code;
            error->line = last->line;
            error->column = last->int2;
            if (last->message != NULL) strncpy(error->message, last->message, sizeof error->message - 1);
        }
        xmlFreeParserCtxt(ctxt);
        return NULL;
    }
    xmlFreeParserCtxt(ctxt);
    cxml_document *result = malloc(sizeof *result);
    if (result == NULL) { xmlFreeDoc(doc); strcpy(error->message, "out of memory"); return NULL; }
    result->doc = doc;
    return result;
}

static void visit(xmlNodePtr node, cxml_element_visitor visitor, void *context) {
    for (; node != NULL; node = node->next) {
        if (node->type == XML_ELEMENT_NODE) {
            xmlChar *text = xmlNodeGetContent(node);
            visitor(context, (const char *)node->name, (const char *)text);
            xmlFree(text);
        }
        visit(node->children, visitor, context);
    }
}

void cxml_visit_elements(const cxml_document *document, cxml_element_visitor visitor, void *context) {
    visit(xmlDocGetRootElement(document->doc), visitor, context);
}

void cxml_free(cxml_document *document) {
    if (document == NULL) return;
    xmlFreeDoc(document->doc);
    free(document);
}
