"""Rewrites a PDF the way a PDF/A finishing step might leave it (for the signing tests): catalog
with /Metadata, /Lang, /AF and an embedded source file, trailer /ID, an existing link annotation
on page 1 in an indirect /Annots array; classic xref table (no object streams).
With --inspect, prints what the tests check of a signed copy instead, as JSON."""
import json
import sys

import pikepdf

if sys.argv[1] == "--inspect":
    with pikepdf.open(sys.argv[2]) as pdf:
        root = pdf.Root
        page = pdf.pages[0].obj
        fields = root.AcroForm.Fields
        print(json.dumps({
            "root_keys": sorted(str(key) for key in root.keys()),
            "lang": str(root.get("/Lang", "")),
            "attachments": sorted(pdf.attachments.keys()),
            "id": [bytes(item).hex() for item in pdf.trailer.ID] if "/ID" in pdf.trailer else [],
            "annotation_subtypes": [str(annotation.Subtype) for annotation in page.Annots],
            "field_types": [str(field.FT) for field in fields],
            "sig_flags": int(root.AcroForm.SigFlags),
        }))
    sys.exit(0)

source, destination = sys.argv[1], sys.argv[2]
with pikepdf.open(source) as pdf:
    pdf.Root.Metadata = pdf.make_stream(
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""'
        b' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" pdfaid:part="3" pdfaid:conformance="B"/></rdf:RDF>'
        b'</x:xmpmeta><?xpacket end="w"?>',
        Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    pdf.Root.Lang = pikepdf.String("fr-FR")
    spec = pikepdf.AttachedFileSpec(pdf, b'{"source": true}', filename="source.json", mime_type="application/json",
                                    relationship=pikepdf.Name.Source)
    pdf.attachments["source.json"] = spec
    pdf.Root.AF = pikepdf.Array([spec.obj])
    link = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[10, 10, 50, 20], F=4, Border=[0, 0, 0],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/"))))
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([link]))
    pdf.save(destination, object_stream_mode=pikepdf.ObjectStreamMode.disable, static_id=True)
