/// A wall-clock instant in UTC, to the millisecond: what the audit log writes
/// (`2026-12-03T11:40:02.123Z`, RFC 3339) and what `flatnet who --at` reads.
///
/// Pure calendar arithmetic (the proleptic Gregorian calendar, days counted from
/// 1970-01-01), so the plugin needs neither Foundation's date types nor the C library's
/// time-zone files, and tests can check every edge without a clock.
public struct AuditTime: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public static func < (lhs: AuditTime, rhs: AuditTime) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    public var description: String { rfc3339 }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public var rfc3339: String {
        let (days, milliseconds) = floorDivision(millisecondsSinceEpoch, 86_400_000)
        let (year, month, day) = AuditTime.civilDate(daysSinceEpoch: days)
        let seconds = milliseconds / 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):"
            + "\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(milliseconds % 1000, 3))Z"
    }

    /// Reads `2026-12-03T11:40:02Z`, with an optional fraction (`.5`, `.123456`), a `Z`, a
    /// `+hh:mm`/`-hh:mm` offset or none (UTC), `T` or a space between date and time, or a date alone
    /// (midnight UTC). Nil for anything else, including impossible dates (Feb 30).
    public static func parse(_ text: String) -> AuditTime? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
              let month = scanner.number(digits: 2), scanner.skip("-"),
              let day = scanner.number(digits: 2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        if scanner.atEnd { return AuditTime(millisecondsSinceEpoch: days * 86_400_000) }
        guard scanner.skip("T") || scanner.skip("t") || scanner.skip(" "),
              let hour = scanner.number(digits: 2), scanner.skip(":"),
              let minute = scanner.number(digits: 2), scanner.skip(":"),
              let second = scanner.number(digits: 2),
              hour < 24, minute < 60, second < 60 else { return nil }
        let fraction = scanner.skip(".") ? scanner.fractionMilliseconds() : 0
        guard let fraction, let offset = scanner.offsetMinutes(), scanner.atEnd else { return nil }
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset * 60)
        return AuditTime(millisecondsSinceEpoch: seconds * 1000 + Int64(fraction))
    }

    /// Howard Hinnant's days-from-civil algorithm (public domain), in 400-year eras.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let shiftedYear = Int64(month <= 2 ? year - 1 : year)
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = Int64((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1)
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysSinceEpoch`.
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }
}

private func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
    let remainder = value % divisor
    return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
}

private func pad<Number: BinaryInteger>(_ number: Number, _ width: Int) -> String {
    let digits = String(number)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// Reads fixed-width ASCII numbers and separators from the front of a string.
private struct DigitScanner {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    mutating func skip(_ character: Character) -> Bool {
        guard !atEnd, bytes[position] == character.asciiValue else { return false }
        position += 1
        return true
    }

    mutating func number(digits count: Int) -> Int? {
        guard position + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[position..<position + count] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        position += count
        return value
    }

    /// One to nine fraction digits, as milliseconds (truncated).
    mutating func fractionMilliseconds() -> Int? {
        var digits: [Int] = []
        while !atEnd, let digit = number(digits: 1) { digits.append(digit) }
        guard (1...9).contains(digits.count) else { return nil }
        return (digits + [0, 0, 0]).prefix(3).reduce(0) { $0 * 10 + $1 }
    }

    /// `Z` or nothing is UTC (the log's own zone); `+hh:mm` / `-hh:mm`, east positive.
    mutating func offsetMinutes() -> Int? {
        if atEnd || skip("Z") || skip("z") { return 0 }
        let sign = skip("+") ? 1 : skip("-") ? -1 : 0
        guard sign != 0, let hours = number(digits: 2), skip(":"), let minutes = number(digits: 2),
              hours < 24, minutes < 60 else { return nil }
        return sign * (hours * 60 + minutes)
    }
}
