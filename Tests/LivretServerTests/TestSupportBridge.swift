import Foundation
import LivretTestSupport

/// Runs the `livret` binary built beside the tests.
enum TestSupportBridge {
    static func livret(_ arguments: [String]) throws -> ProcessResult {
        try TestSupport.run(TestSupport.livretBinary.path, arguments)
    }
}
