import Foundation
import LivretLayout
import LivretModel
import LivretPipeline
import LivretTestSupport
import Testing

/// Layouts named by documents: drawn with their own fonts, and only from the layouts folder.
@Suite("Layouts and their fonts")
struct LayoutNameTests {
    /// A layouts folder holding the default layout, `emargement.json`, and `alt.json`: the default
    /// layout with `fonts` changed by `fonts`.
    static func layouts(in folder: URL, altFonts: [String: String]) throws -> URL {
        let source = TestSupport.repositoryRoot.appendingPathComponent("Layouts")
        let layouts = folder.appendingPathComponent("Layouts")
        try FileManager.default.createDirectory(at: layouts, withIntermediateDirectories: true)
        for name in ["gt-2012.json", "emargement.json"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: layouts.appendingPathComponent(name))
        }
        var spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: source.appendingPathComponent("gt-2012.json"))) as? [String: Any])
        var fonts = try #require(spec["fonts"] as? [String: String])
        fonts.merge(altFonts) { _, new in new }
        spec["fonts"] = fonts
        try JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys]).write(to: layouts.appendingPathComponent("alt.json"))
        return layouts
    }

    static func fontNames(_ pdf: URL) throws -> Set<String> {
        let result = try TestSupport.run("pdffonts", [pdf.path])
        #expect(result.status == 0, "pdffonts: \(result.stderr)")
        // "ABCDEF+LiberationSans-Italic  CID TrueType ..." after two header lines.
        return Set(result.stdoutText.split(separator: "\n").dropFirst(2).compactMap { line in
            line.split(separator: " ").first.map { String($0.split(separator: "+").last ?? $0) }
        })
    }

    @Test("A document whose modele names another layout is drawn and embedded with that layout's fonts (render and print run)")
    func modeleFonts() async throws {
        let folder = try TestSupport.temporaryDirectory("layouts")
        defer { try? FileManager.default.removeItem(at: folder) }
        let layouts = try Self.layouts(in: folder, altFonts: ["regular": "LiberationSans-Italic.ttf"])
        let resources = ResourceLocations(layouts: layouts, fonts: PipelineTests.resources.fonts)
        var alt = try PipelineTests.pupil("ALT", "A", ine: 1, division: "D1")
        alt.modele = "alt"
        let plain = try PipelineTests.pupil("PLAIN", "P", ine: 2, division: "D1")

        // In-process.
        let renderer = try LivretRenderer(resources: resources, producer: "livret test")
        let altPDF = folder.appendingPathComponent("alt.pdf")
        try renderer.pdf(alt, source: "alt").write(to: altPDF)
        let altFonts = try Self.fontNames(altPDF)
        #expect(!altFonts.contains("LiberationSans"), "\(altFonts)")
        #expect(altFonts.contains("LiberationSans-Italic"), "\(altFonts)")
        let plainPDF = folder.appendingPathComponent("plain.pdf")
        try renderer.pdf(plain, source: "plain").write(to: plainPDF)
        #expect(try Self.fontNames(plainPDF).contains("LiberationSans"))

        // The print run: the pupil file is the renderer's bytes, the class PDF carries both sets.
        for width in [1, 2] {
            let out = folder.appendingPathComponent("out-\(width)")
            let dataset = try PipelineTests.dataset([alt, plain], in: folder)
            let summary = try await PipelineTests.printRun(dataset, out: out, renderer: renderer, width: width)
            #expect(summary.counts.printed == 2)
            #expect(try Data(contentsOf: out.appendingPathComponent("D1/\(PipelineTests.ine(1)).pdf")) == (try Data(contentsOf: altPDF)))
            let classFonts = try Self.fontNames(out.appendingPathComponent("D1.pdf"))
            #expect(classFonts.contains("LiberationSans") && classFonts.contains("LiberationSans-Italic"), "\(classFonts)")
        }

        // The command line: `render` and `print-run` give the same fonts and bytes.
        let document = folder.appendingPathComponent("alt.json")
        try alt.encoded().write(to: document)
        let cliPDF = folder.appendingPathComponent("cli.pdf")
        let render = try TestSupport.livret(["render", document.path, "-o", cliPDF.path, "--layouts", layouts.path])
        #expect(render.status == 0, "\(render.stderr)")
        let cliFonts = try Self.fontNames(cliPDF)
        #expect(cliFonts.contains("LiberationSans-Italic") && !cliFonts.contains("LiberationSans"), "\(cliFonts)")
        let cliOut = folder.appendingPathComponent("cli-out")
        let run = try TestSupport.livret([
            "print-run", folder.appendingPathComponent("dataset").path, "--all", "--out", cliOut.path, "--layouts", layouts.path,
            "--date", "2016-06-24", "--quiet",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try TestSupport.sha256(cliOut.appendingPathComponent("D1/\(PipelineTests.ine(1)).pdf")) == (try TestSupport.sha256(cliPDF)))
    }

    @Test("A layout name is a plain name of a file in the layouts folder", arguments: [
        "/etc/passwd", "/tmp", "..", ".", ".hidden", "sub/gt-2012", "gt-2012/", "a\u{1B}[2Jb", "\u{0}", "", "nul\u{7F}",
        "..\\..\\x", "escape", "folder",
    ])
    func hostileLayoutNames(name: String) async throws {
        let folder = try TestSupport.temporaryDirectory("layouts")
        defer { try? FileManager.default.removeItem(at: folder) }
        let layouts = try Self.layouts(in: folder, altFonts: [:])
        // A link in the folder that leads out of it, and a folder named like a layout.
        let outside = folder.appendingPathComponent("outside.json")
        try FileManager.default.copyItem(at: layouts.appendingPathComponent("gt-2012.json"), to: outside)
        try FileManager.default.createSymbolicLink(atPath: layouts.appendingPathComponent("escape.json").path, withDestinationPath: outside.path)
        try FileManager.default.createDirectory(at: layouts.appendingPathComponent("folder.json"), withIntermediateDirectories: true)
        let resources = ResourceLocations(layouts: layouts, fonts: PipelineTests.resources.fonts)

        var document = try PipelineTests.pupil("HOSTILE", "H", ine: 1, division: "D1")
        document.modele = name
        let renderer = try LivretRenderer(resources: resources, producer: "livret test")
        #expect {
            _ = try renderer.pdf(document, source: "hostile.json")
        } throws: { error in
            guard let error = error as? PipelineError else { return false }
            let text = "\(error)"
            // Names the document and the field; the name shown without control characters.
            return text.contains("hostile.json") && !text.contains("\u{1B}") && !text.contains("\u{0}")
                && (text.contains("modele") || text.contains("layout"))
        }
        // Asked for directly (the `--layout` of the command line): refused when the renderer is made.
        #expect(throws: PipelineError.self) { _ = try LivretRenderer(resources: resources, layout: name, producer: "livret test") }
        // In a print run: that pupil fails, naming the field; nothing else is read.
        let out = folder.appendingPathComponent("out")
        let summary = try await PipelineTests.printRun(try PipelineTests.dataset([document], in: folder), out: out, renderer: renderer)
        #expect(summary.counts.printed == 0 && summary.counts.failed == 1)
        #expect(summary.failures.first?.reason.contains("modele") == true || summary.failures.first?.reason.contains("layout") == true)
    }

    @Test("A layout's fonts are plain names inside the fonts folder", arguments: [
        "../Fonts/LiberationSans-Italic.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", ".hidden.ttf", "link.ttf", "",
    ])
    func hostileFontNames(font: String) throws {
        let folder = try TestSupport.temporaryDirectory("layouts")
        defer { try? FileManager.default.removeItem(at: folder) }
        let layouts = try Self.layouts(in: folder, altFonts: ["bold": font])
        // A fonts folder of links: one to the real font (inside), one leading out of the folder.
        let fonts = folder.appendingPathComponent("Fonts")
        try FileManager.default.createDirectory(at: fonts, withIntermediateDirectories: true)
        for style in FontStyle.allCases {
            let name = try #require(FontSet.fileNames[style])
            try FileManager.default.copyItem(at: PipelineTests.resources.fonts.appendingPathComponent(name), to: fonts.appendingPathComponent(name))
        }
        let elsewhere = folder.appendingPathComponent("elsewhere.ttf")
        try FileManager.default.copyItem(at: PipelineTests.resources.fonts.appendingPathComponent("LiberationSans-Bold.ttf"), to: elsewhere)
        try FileManager.default.createSymbolicLink(atPath: fonts.appendingPathComponent("link.ttf").path, withDestinationPath: elsewhere.path)
        let resources = ResourceLocations(layouts: layouts, fonts: fonts)
        #expect(throws: PipelineError.self) { _ = try LivretRenderer(resources: resources, layout: "alt", producer: "livret test") }
        // The default layout, whose fonts are plain names in the folder, still loads.
        _ = try LivretRenderer(resources: resources, producer: "livret test")
    }

    @Test("Command line: a hostile --layout or modele exits 1 with a message naming the option or the document")
    func hostileNamesCLI() throws {
        let folder = try TestSupport.temporaryDirectory("layouts")
        defer { try? FileManager.default.removeItem(at: folder) }
        var document = try PipelineTests.pupil("HOSTILE", "H", ine: 1, division: "D1")
        document.modele = "/etc/passwd"
        let file = folder.appendingPathComponent("hostile.json")
        try document.encoded().write(to: file)
        let out = folder.appendingPathComponent("out.pdf")
        let byModele = try TestSupport.livret(["render", file.path, "-o", out.path])
        #expect(byModele.status == 1)
        #expect(byModele.stderr.contains("hostile.json") && byModele.stderr.contains("modele"), "\(byModele.stderr)")
        let byOption = try TestSupport.livret(["render", file.path, "-o", out.path, "--layout", "../Layouts/gt-2012"])
        #expect(byOption.status == 1)
        #expect(byOption.stderr.contains("--layout"), "\(byOption.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
