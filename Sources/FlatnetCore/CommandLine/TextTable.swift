/// A table of text columns, two spaces apart, for human output (`flatnet ipam list`).
public struct TextTable: Equatable, Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    public var columnWidths: [Int] {
        header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    }

    /// The widest line's length.
    public var width: Int { columnWidths.reduce(0, +) + 2 * (header.count - 1) }

    /// The table with `column`'s values cut to their first `length` characters when it is
    /// wider than `limit` (docker's short container ids: 12 characters tell them apart).
    public func fitting(
        _ limit: Int = TextWrapping.width, shortening column: Int, to length: Int = 12
    ) -> TextTable {
        guard width > limit else { return self }
        var shortened = self
        shortened.rows = rows.map { row in
            var row = row
            row[column] = String(row[column].prefix(length))
            return row
        }
        return shortened
    }

    /// One line a row, the header first, no trailing spaces.
    public func rendered() -> String {
        let widths = columnWidths
        return ([header] + rows).map { row in
            let cells = row.enumerated().map { $0.element.padded(to: widths[$0.offset]) }
            return String(cells.joined(separator: "  ").reversed().drop { $0 == " " }.reversed()) + "\n"
        }.joined()
    }
}
