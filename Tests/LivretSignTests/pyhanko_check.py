"""Validates the last signature of a PDF with pyHanko's API, trusting one certificate, and prints
what a test needs as JSON: intact, valid, trusted, coverage, and the signed attributes in order."""
import json
import sys

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

pdf_path, cert_path = sys.argv[1], sys.argv[2]
with open(cert_path, "rb") as handle:
    data = handle.read()
der = pem.unarmor(data)[2] if pem.detect(data) else data
context = ValidationContext(trust_roots=[x509.Certificate.load(der)])
with open(pdf_path, "rb") as handle:
    reader = PdfFileReader(handle)
    signature = reader.embedded_signatures[-1]
    status = validate_pdf_signature(signature, context)
    attributes = [attribute["type"].native for attribute in signature.signer_info["signed_attrs"]]
    print(json.dumps({
        "intact": status.intact,
        "valid": status.valid,
        "trusted": status.trusted,
        "coverage": status.coverage.name,
        "bottom_line": status.bottom_line,
        "signed_attributes": attributes,
        "sub_filter": str(signature.sig_object.get("/SubFilter")),
    }))
