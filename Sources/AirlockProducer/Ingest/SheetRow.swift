/// One row of a sheet as `SheetRowsHandler` reads it: its number and the cells that hold
/// something, left to right, or the first cell that could not be read.
struct SheetRow {
    var number: Int
    var cells: [(place: CellReference, value: SheetValue)] = []
    /// A cell whose content is broken (a shared string that does not exist, a number that is
    /// none), and why.
    var problem: (place: CellReference, reason: String)?
}
