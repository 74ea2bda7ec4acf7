#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlsave.h>
#include <libxml/encoding.h>

/// libxml2 exposes xmlFree as a global function-pointer variable, which Swift 6
/// rejects as shared mutable state. Call it through a function instead.
static inline void CLibXML2_free(void *pointer) {
    xmlFree(pointer);
}
