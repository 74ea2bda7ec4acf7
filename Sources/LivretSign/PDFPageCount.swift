import Foundation

/// The number of pages of a PDF, read from the `/Count` of the catalog's page tree (the same
/// cross-reference reader the signer uses: classic `xref` tables, incremental updates included).
public enum PDFPageCount {
    /// The page count of `bytes`; `name` is used in errors.
    public static func count(_ bytes: [UInt8], name: String) throws(SignError) -> Int {
        let file = try PDFFile(bytes, name: name)
        do {
            guard let catalog = try file.resolve(file.trailer["Root"])?.dictionary,
                  let pages = try file.resolve(catalog["Pages"])?.dictionary,
                  let count = try file.resolve(pages["Count"])?.integer, count >= 0 else {
                throw SignError(.pdf, file: name, "the page tree has no /Count")
            }
            return count
        } catch let error as SignError {
            throw error
        } catch {
            throw SignError(.pdf, file: name, "cannot read the page tree: \(error)")
        }
    }
}
