// swift-tools-version:6.0
// livret — the Livret Scolaire du Lycée as documents: import, render, print, archive.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "livret",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "livret", targets: ["livret"]),
        .library(name: "LivretModel", targets: ["LivretModel"]),
        .library(name: "LivretImport", targets: ["LivretImport"]),
        .library(name: "LivretLayout", targets: ["LivretLayout"]),
        .library(name: "LivretPDF", targets: ["LivretPDF"]),
        .library(name: "LivretArchive", targets: ["LivretArchive"]),
        .library(name: "LivretPipeline", targets: ["LivretPipeline"]),
        .library(name: "LivretSign", targets: ["LivretSign"]),
        .library(name: "LivretJury", targets: ["LivretJury"]),
        .library(name: "LivretScan", targets: ["LivretScan"]),
        .library(name: "LivretServer", targets: ["LivretServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // C libraries from Debian's -dev packages (pkg-config names as on Debian 12).
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        .systemLibrary(name: "CHarfBuzz", pkgConfig: "harfbuzz", providers: [.apt(["libharfbuzz-dev"])]),
        .systemLibrary(name: "CLivretZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CZBar", pkgConfig: "zbar", providers: [.apt(["libzbar-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CPopplerGlib", pkgConfig: "poppler-glib", providers: [.apt(["libpoppler-glib-dev"])]),
        // The only code that includes zbar.h: 8-bit grey pixels in, decoded QR strings out.
        .target(name: "CZBarBridge", dependencies: ["CZBar"]),
        // Scanned images to grey pixels: PNG (cairo), JPEG (libjpeg-turbo), PDF pages (poppler-glib); sizes checked first.
        .target(name: "CScanImage", dependencies: ["CCairo", "CJPEG", "CPopplerGlib"]),
        // The only code that includes libxml2's headers: Swift sees opaque types (see DESIGN.md, pitfalls).
        .target(name: "CXMLBridge", dependencies: ["CLibXML2"]),

        // renameat2(RENAME_EXCHANGE), which Swift cannot call on Linux; used only by LivretModel's AtomicFile.
        .target(name: "CLivretIO"),

        // Values and rules: the canonical livret document, identifiers, averages, number format;
        // the one atomic file writer and the one I/O error shape.
        .target(name: "LivretModel", dependencies: ["CLivretIO"], swiftSettings: strict),
        // Exchange files (SIECLE, LSL import XML, nomenclature, profile) -> canonical documents.
        .target(name: "LivretImport", dependencies: ["LivretModel", "CXMLBridge"], swiftSettings: strict),
        // Layout files + documents -> pages of positioned, shaped boxes. Knows nothing of cairo.
        .target(name: "LivretLayout", dependencies: ["LivretModel", "CHarfBuzz", "CQRencode"], swiftSettings: strict),
        // Scans of returned receipt stubs (PDF, PNG, JPEG) -> the QR codes they carry (libzbar).
        .target(name: "LivretScan", dependencies: ["LivretModel", "CZBarBridge", "CScanImage"], swiftSettings: strict),
        // Pages -> PDF bytes through cairo (fonts embedded as subsets), then finished as PDF/A
        // (XMP, OutputIntent, /ID, embedded source). Knows nothing of the LSL.
        .target(
            name: "LivretPDF",
            dependencies: ["LivretLayout", "CCairo", "CFreeType", "CLivretZlib", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["sRGB-LICENSE.txt"],
            swiftSettings: strict),
        // OCFL 1.1 storage root, SQLite index (GRDB), fixity.
        .target(
            name: "LivretArchive",
            dependencies: [
                "LivretModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // The lycée's signing identity (P-256 key, X.509 certificate, keys folder), CMS SignedData
        // (PAdES B-B, detached), incremental PDF signing and signature verification.
        .target(
            name: "LivretSign",
            dependencies: [
                "LivretModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strict),
        // Jury packages for deliberation centres: signed BagIt bags of archived livrets, their
        // verification, and their ingest into a centre's own archive.
        .target(
            name: "LivretJury",
            dependencies: [
                "LivretModel", "LivretLayout", "LivretPDF", "LivretArchive", "LivretPipeline", "LivretSign",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strict),
        // The joins: document -> finished PDF (render), dataset -> print run files (+ archive).
        .target(
            name: "LivretPipeline",
            dependencies: [
                "LivretModel", "LivretLayout", "LivretPDF", "LivretArchive", "LivretSign", "LivretScan",
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: strict),
        // The HTTP service (`livret serve`): users and roles, bearer tokens, the API over the same
        // library calls as the CLI, every consultation on the journal.
        .target(
            name: "LivretServer",
            dependencies: [
                "LivretModel", "LivretImport", "LivretLayout", "LivretPDF", "LivretArchive", "LivretPipeline", "LivretSign", "LivretJury",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("openapi.json")],
            swiftSettings: strict),
        // The subcommands (parsing, terminal, exit codes); the executable below only runs them.
        .target(
            name: "LivretCLI",
            dependencies: [
                "LivretModel", "LivretImport", "LivretLayout", "LivretPDF", "LivretArchive", "LivretPipeline", "LivretSign", "LivretJury",
                "LivretScan",
                "LivretServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(name: "livret", dependencies: ["LivretCLI"], swiftSettings: strict),

        .target(name: "LivretTestSupport", path: "Tests/LivretTestSupport", swiftSettings: strict),
        .testTarget(name: "LivretModelTests", dependencies: ["LivretModel"], swiftSettings: strict),
        .testTarget(
            name: "LivretRenderTests",
            dependencies: ["LivretModel", "LivretLayout", "LivretPDF", "LivretTestSupport", "livret"],
            swiftSettings: strict),
        .testTarget(
            name: "LivretImportTests",
            dependencies: ["LivretModel", "LivretImport", "LivretTestSupport", "livret"],
            swiftSettings: strict),
        .testTarget(
            name: "LivretPrintTests",
            dependencies: ["LivretPDF", "LivretTestSupport", "livret"],
            swiftSettings: strict),
        .testTarget(
            name: "LivretPipelineTests",
            dependencies: ["LivretModel", "LivretLayout", "LivretPDF", "LivretArchive", "LivretSign", "LivretPipeline", "LivretTestSupport", "livret"],
            swiftSettings: strict),
        .testTarget(
            name: "LivretArchiveTests",
            dependencies: ["LivretArchive", "LivretTestSupport", "livret"],
            swiftSettings: strict),
        .testTarget(
            name: "LivretSignTests",
            dependencies: [
                "LivretSign", "LivretTestSupport", "livret",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["pyhanko_check.py", "pdfa_like.py"],
            swiftSettings: strict),
        .testTarget(
            name: "LivretReceiptTests",
            dependencies: ["LivretModel", "LivretLayout", "LivretScan", "LivretTestSupport", "livret"],
            swiftSettings: strict),
        .testTarget(
            name: "LivretJuryTests",
            dependencies: ["LivretJury", "LivretSign", "LivretTestSupport", "livret"],
            swiftSettings: strict),
        .testTarget(
            name: "LivretServerTests",
            dependencies: [
                "LivretServer", "LivretArchive", "LivretTestSupport", "livret",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // The web pages (Sources/LivretServer/Web, Templates/, Public/): templates rendered from
        // view models, and a browser test (chromium, selenium, axe-core) against `livret serve`.
        .testTarget(
            name: "LivretWebTests",
            dependencies: ["LivretServer", "LivretTestSupport", "livret"],
            exclude: ["browser_check.py"],
            swiftSettings: strict),
    ]
)
