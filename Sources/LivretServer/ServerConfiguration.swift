import Foundation
import LivretPipeline

/// Everything `livret serve` needs, from its options or its configuration file (JSON, the same
/// names): where the archive home is, where to listen, the resources to draw livrets, the limits.
public struct ServerConfiguration: Codable, Sendable {
    /// The archive home: storage root, index, journal, users, keys, and the service's own folder.
    public var archive: String
    /// The address to listen on (default 127.0.0.1: put a reverse proxy with TLS in front).
    public var host: String
    /// The port (0: any free port; the bound one is logged and given to `onServerRunning`).
    public var port: Int
    /// The layouts folder, for print runs (nil: print runs are not offered, 503).
    public var layouts: String?
    /// The fonts folder, for print runs.
    public var fonts: String?
    /// The keys folder (default: Keys/ beside the archive home).
    public var keys: String?
    /// The nomenclature (lsl-nomenclatures.xml), for imports (nil: imports are not offered, 503).
    public var nomenclature: String?
    /// The matières file beside the nomenclature (Import_MEF.xml), when there is one.
    public var matieres: String?
    /// Largest exchange file accepted by an import, in bytes (default 50 MB).
    public var maxExchangeFileBytes: Int
    /// Largest scan accepted (a returned stub), and largest PDF to verify, in bytes (default 20 MB).
    public var maxScanBytes: Int
    /// Longest time a request may take before the service answers 503 (seconds; default 60).
    public var requestTimeoutSeconds: Int
    /// Public verifications allowed per client address and minute (default 30).
    public var verifyPerMinute: Int
    /// How many blocking jobs (rendering, hashing, file reads) run at once (default: the cores).
    public var blockingWidth: Int
    /// With receipts: the verification address put in the receipts' QR codes
    /// (`URL?code=<the verification string>`); nil: the string alone.
    public var verifyURL: String?
    /// The program's version, written into print runs (set by the caller, not read from the file).
    public var programVersion = "livret"

    /// A configuration with the defaults above.
    public init(
        archive: String, host: String = "127.0.0.1", port: Int = 8080, layouts: String? = nil, fonts: String? = nil,
        keys: String? = nil, nomenclature: String? = nil, matieres: String? = nil,
        maxExchangeFileBytes: Int = 50 * 1024 * 1024, maxScanBytes: Int = 20 * 1024 * 1024, requestTimeoutSeconds: Int = 60,
        verifyPerMinute: Int = 30, blockingWidth: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.archive = archive
        self.host = host
        self.port = port
        self.layouts = layouts
        self.fonts = fonts
        self.keys = keys
        self.nomenclature = nomenclature
        self.matieres = matieres
        self.maxExchangeFileBytes = maxExchangeFileBytes
        self.maxScanBytes = maxScanBytes
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.verifyPerMinute = verifyPerMinute
        self.blockingWidth = blockingWidth
    }

    enum CodingKeys: String, CodingKey {
        case archive, host, port, layouts, fonts, keys, nomenclature, matieres, maxExchangeFileBytes, maxScanBytes, requestTimeoutSeconds
        case verifyPerMinute, blockingWidth, verifyURL
    }

    /// Reads a configuration file; absent keys take the defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ServerConfiguration(archive: try c.decode(String.self, forKey: .archive))
        self = defaults
        host = try c.decodeIfPresent(String.self, forKey: .host) ?? defaults.host
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? defaults.port
        layouts = try c.decodeIfPresent(String.self, forKey: .layouts)
        fonts = try c.decodeIfPresent(String.self, forKey: .fonts)
        keys = try c.decodeIfPresent(String.self, forKey: .keys)
        nomenclature = try c.decodeIfPresent(String.self, forKey: .nomenclature)
        matieres = try c.decodeIfPresent(String.self, forKey: .matieres)
        maxExchangeFileBytes = try c.decodeIfPresent(Int.self, forKey: .maxExchangeFileBytes) ?? defaults.maxExchangeFileBytes
        maxScanBytes = try c.decodeIfPresent(Int.self, forKey: .maxScanBytes) ?? defaults.maxScanBytes
        requestTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .requestTimeoutSeconds) ?? defaults.requestTimeoutSeconds
        verifyPerMinute = try c.decodeIfPresent(Int.self, forKey: .verifyPerMinute) ?? defaults.verifyPerMinute
        blockingWidth = try c.decodeIfPresent(Int.self, forKey: .blockingWidth) ?? defaults.blockingWidth
        verifyURL = try c.decodeIfPresent(String.self, forKey: .verifyURL)
    }

    /// The archive home as a URL.
    public var home: URL { URL(fileURLWithPath: archive) }
    /// The service's own folder in the archive home: datasets, print runs, jobs, jury packages.
    public var serviceFolder: URL { home.appendingPathComponent("service") }
}
