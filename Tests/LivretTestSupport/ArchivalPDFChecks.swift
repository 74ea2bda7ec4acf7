import Foundation

/// Third-party checks of an archival PDF: the shared `pdfa-precheck` (pikepdf, a partial PDF/A-2/-3
/// check), `qpdf --check`, and what the precheck does not look at, read with pikepdf: XMP ↔ Info
/// agreement (ISO 19005-2 6.6.3), pdfaid, /Lang, trailer /ID, and the associated source file.
public enum ArchivalPDFChecks {
    /// The Python of the shared tools' venv (`python-tools-env` prints it; it holds pikepdf).
    public static func python() throws -> String {
        let result = try TestSupport.run(TestSupport.sharedTools.appendingPathComponent("python-tools-env").path, [])
        guard result.status == 0 else { throw CheckError(message: "python-tools-env failed: \(result.stderr)") }
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) + "/bin/python"
    }

    public struct CheckError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// `pdfa-precheck FILES…`.
    public static func precheck(_ files: [URL]) throws -> ProcessResult {
        try TestSupport.run(TestSupport.sharedTools.appendingPathComponent("pdfa-precheck").path, files.map(\.path))
    }

    /// `qpdf --check FILE`.
    public static func qpdf(_ file: URL) throws -> ProcessResult {
        try TestSupport.run("qpdf", ["--check", file.path])
    }

    /// The pikepdf checks; `source` is the file expected as the embedded /Source (PDF/A-3), or nil
    /// when the PDF must carry no embedded file. Output lines `FAIL …` name each problem; exit 0 = none.
    public static func pikepdf(_ pdf: URL, part: Int, conformance: String = "B", source: URL?) throws -> ProcessResult {
        try pikepdf([(pdf, source)], part: part, conformance: conformance)
    }

    /// The pikepdf checks on several files at once (one Python process).
    public static func pikepdf(_ files: [(pdf: URL, source: URL?)], part: Int, conformance: String = "B") throws -> ProcessResult {
        try TestSupport.run(try python(), ["-c", script, String(part), conformance] + files.flatMap { [$0.pdf.path, $0.source?.path ?? ""] })
    }

    static let script = #"""
import datetime, hashlib, sys
import pikepdf
from pikepdf import Name

part, conformance = sys.argv[1], sys.argv[2]
problems = []
path = None
def fail(message): problems.append("%s: %s" % (path, message))

def pdf_date(value):
    s = str(value)
    if s.startswith("D:"): s = s[2:]
    if not s.endswith("Z") or len(s) != 15: fail("Info date %r is not D:YYYYMMDDHHmmSSZ" % str(value)); return None
    return datetime.datetime.strptime(s[:14], "%Y%m%d%H%M%S").replace(tzinfo=datetime.timezone.utc)

def xmp_date(value):
    return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))

TEXT_OPS = {"Tj", "TJ", "'", '"'}

def check_tagging(pdf):
    """Tagged PDF: MarkInfo, every text-showing operator inside a marked-content sequence with an
    MCID (a structure element's content) or inside /Artifact; every TH with /Scope and /ID, every
    TD with /Headers naming THs of the IDTree."""
    mark = pdf.Root.get("/MarkInfo")
    if mark is None or not bool(mark.get("/Marked")): fail("catalog /MarkInfo /Marked is not true")
    root = pdf.Root.get("/StructTreeRoot")
    if root is None: fail("no /StructTreeRoot"); return
    for number, page in enumerate(pdf.pages, 1):
        stack, untagged = [], 0
        for operands, op in pikepdf.parse_content_stream(page):
            o = str(op)
            if o == "BDC":
                props = operands[1] if len(operands) > 1 else None
                has_mcid = isinstance(props, pikepdf.Dictionary) and "/MCID" in props
                stack.append("artifact" if operands[0] == Name("/Artifact") else ("mcid" if has_mcid else "other"))
            elif o == "BMC":
                stack.append("artifact" if operands[0] == Name("/Artifact") else "other")
            elif o == "EMC":
                if not stack: fail("page %d: EMC without BMC/BDC" % number)
                else: stack.pop()
            elif o in TEXT_OPS and not ("artifact" in stack or "mcid" in stack):
                untagged += 1
        if stack: fail("page %d: %d marked-content sequence(s) left open" % (number, len(stack)))
        if untagged: fail("page %d: %d text-showing operator(s) neither in a structure element nor an artifact" % (number, untagged))
    ids = {}
    tree = root.get("/IDTree")
    if tree is not None:
        names = list(tree.get("/Names", []))
        for i in range(0, len(names), 2): ids[bytes(names[i])] = names[i + 1]
    counts = {"TH": 0, "TD": 0}
    def walk(node, depth=0):
        kids = node.get("/K")
        if kids is None: return
        items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        for kid in items:
            if not isinstance(kid, pikepdf.Dictionary) or kid.get("/Type") not in (None, Name("/StructElem")) or "/S" not in kid: continue
            s = str(kid.get("/S"))[1:]
            attrs = kid.get("/A", {})
            if s == "TH":
                counts["TH"] += 1
                if "/Scope" not in attrs: fail("TH without /Scope")
                if "/ID" not in kid or ids.get(bytes(kid["/ID"])) is None or ids[bytes(kid["/ID"])].objgen != kid.objgen: fail("TH without an /ID in the IDTree")
            if s == "TD":
                counts["TD"] += 1
                headers = list(attrs.get("/Headers", []))
                if not headers: fail("TD without /Headers")
                for h in headers:
                    target = ids.get(bytes(h))
                    if target is None or str(target.get("/S")) != "/TH": fail("TD header %r is not a TH of the IDTree" % bytes(h))
            walk(kid, depth + 1)
    walk(root)
    if counts["TH"] == 0 or counts["TD"] == 0: fail("no table cells in the structure tree (%r)" % counts)

def check(pdf, source):
    info = pdf.docinfo
    ids = pdf.trailer.get("/ID")
    if ids is None or len(ids) != 2 or any(len(bytes(i)) != 16 for i in ids): fail("trailer /ID is not two 16-byte strings")
    if str(pdf.Root.get("/Lang")) != "fr-FR": fail("catalog /Lang is %r" % pdf.Root.get("/Lang"))
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        if str(meta.get("pdfaid:part")) != part: fail("pdfaid:part %r, expected %s" % (meta.get("pdfaid:part"), part))
        if str(meta.get("pdfaid:conformance")) != conformance: fail("pdfaid:conformance %r" % meta.get("pdfaid:conformance"))
        pairs = [("/Title", "dc:title"), ("/Subject", "dc:description"), ("/Creator", "xmp:CreatorTool"),
                 ("/Producer", "pdf:Producer"), ("/Keywords", "pdf:Keywords")]
        for key, prop in pairs:
            a, b = info.get(key), meta.get(prop)
            if a is None and b is None: continue
            if a is None or b is None or str(a) != str(b): fail("Info %s %r differs from XMP %s %r" % (key, a and str(a), prop, b))
        creators = meta.get("dc:creator")
        if info.get("/Author") is None or not creators or list(creators) != [str(info.get("/Author"))]:
            fail("Info /Author %r differs from XMP dc:creator %r" % (info.get("/Author"), creators))
        for key, prop in [("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")]:
            if info.get(key) is None or meta.get(prop) is None: fail("%s or %s missing" % (key, prop)); continue
            if pdf_date(info.get(key)) != xmp_date(meta.get(prop)): fail("Info %s %s differs from XMP %s %s" % (key, info.get(key), prop, meta.get(prop)))
    if part == "3": check_tagging(pdf)
    af = pdf.Root.get("/AF")
    if source:
        data = open(source, "rb").read()
        if af is None or len(af) != 1: fail("catalog /AF should list one file, has %r" % (af and len(af)))
        else:
            spec = af[0]
            if spec.get("/AFRelationship") != Name("/Source"): fail("/AFRelationship is %r" % spec.get("/AFRelationship"))
            if str(spec.get("/UF")) != "livret.json" or str(spec.get("/F")) != "livret.json": fail("file name %r" % spec.get("/UF"))
            stream = spec["/EF"]["/F"]
            if stream.get("/Subtype") != Name("/application/json"): fail("MIME /Subtype %r" % stream.get("/Subtype"))
            content = stream.read_bytes()
            if content != data: fail("embedded source differs from %s (%d vs %d bytes)" % (source, len(content), len(data)))
            params = stream.get("/Params", {})
            if int(params.get("/Size", -1)) != len(data): fail("/Params /Size %r" % params.get("/Size"))
            if bytes(params.get("/CheckSum", b"")) != hashlib.md5(data).digest(): fail("/Params /CheckSum is not the MD5 of the source")
            if "/ModDate" not in params: fail("/Params /ModDate missing")
        names = pdf.Root.get("/Names", {}).get("/EmbeddedFiles")
        if names is None or [o.objgen for o in list(names.get("/Names", []))[1::2]] != [o.objgen for o in (af or [])]: fail("/Names /EmbeddedFiles does not list the /AF file")
    elif af is not None or "/Names" in pdf.Root:
        fail("unexpected embedded file")
files = sys.argv[3:]
for i in range(0, len(files), 2):
    path, source = files[i], files[i + 1]
    with pikepdf.open(path) as pdf:
        check(pdf, source)
for p in problems: print("FAIL " + p)
print("checked %d file(s): %d problem(s)" % (len(files) // 2, len(problems)))
sys.exit(1 if problems else 0)
"""#
}
