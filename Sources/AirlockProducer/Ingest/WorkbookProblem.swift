/// Why a workbook part cannot be read: its XML is broken, or it holds what a workbook never
/// does. `WorkbookPackage` turns it into the drop's `IngestError`, naming the file and the part.
enum WorkbookProblem: Error, Equatable {
    case malformed(part: String, reason: String)
}
