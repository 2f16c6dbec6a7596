/// Human output that fits a terminal: lines broken at spaces to a width, continuation
/// lines indented. A word longer than the width stays whole (a path or an id must not
/// be cut in two).
public enum TextWrapping {
    /// The width flatnet's human output keeps to (help, plan, doctor, listings).
    public static let width = 80

    /// `text` (one line) broken into lines of at most `width` characters; lines after the
    /// first start with `indent`.
    public static func wrap(_ text: String, width: Int = width, indent: String = "") -> [String] {
        greedy(text.split(separator: " ", omittingEmptySubsequences: false).map(String.init), width: width,
               indent: indent)
    }

    /// A usage line (`USAGE: flatnet plan --conf <file> [--container <id>] ...`) broken as
    /// `wrap` does, but never inside brackets or parentheses: `[--ifname <name>]` stays one.
    public static func wrapUsage(_ line: String, width: Int = width, indent: String = "") -> [String] {
        var words: [String] = [], current = "", depth = 0
        for character in line {
            if character == "[" || character == "(" { depth += 1 }
            if character == "]" || character == ")" { depth = max(0, depth - 1) }
            if character == " " && depth == 0 {
                words.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        return greedy(words + [current], width: width, indent: indent)
    }

    /// Words joined by single spaces into lines of at most `width`, first fit.
    static func greedy(_ words: [String], width: Int, indent: String) -> [String] {
        var lines: [String] = [], current: String?
        for word in words {
            guard let line = current else { current = word; continue }
            // A line of nothing but its indentation takes the next word whatever its length.
            if line.count + 1 + word.count <= width || line.trimmingSpaces().isEmpty {
                current = line + " " + word
            } else {
                lines.append(line)
                current = indent + word
            }
        }
        return lines + [current ?? ""]
    }

    /// A shell command broken to `width` with `\` continuations, so the wrapped text pastes
    /// and runs as the one line did. Breaks only at spaces outside quotes.
    public static func wrapCommand(_ command: String, width: Int = width, indent: String = "    ") -> String {
        var lines: [String] = [], current: String?
        for word in shellWords(command) {
            guard let line = current else { current = word; continue }
            // Two columns stay free for the " \" a break adds.
            if line.count + 1 + word.count + 2 <= width || line.trimmingSpaces().isEmpty {
                current = line + " " + word
            } else {
                lines.append(line + " \\")
                current = indent + word
            }
        }
        return (lines + [current ?? ""]).joined(separator: "\n")
    }

    /// A shell script (commands, one a line) with each line wrapped as by `wrapCommand`.
    /// A here-document's lines too: the only one flatnet prints is an `nft -f -` script,
    /// and nft reads a backslash-newline as a space (checked with nft 1.0.6, in a set's
    /// type and inside a chain's braces); its terminator line stays as it is.
    public static func wrapScript(_ script: String, width: Int = width) -> String {
        var lines: [String] = [], terminator: String?
        for line in script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == terminator {
                lines.append(line)
                terminator = nil
                continue
            }
            lines.append(wrapCommand(line, width: width))
            if terminator == nil { terminator = hereDocumentTerminator(line) }
        }
        return lines.joined(separator: "\n")
    }

    /// `EOF` for a line that opens `<<'EOF'` or `<<EOF`; nil otherwise.
    static func hereDocumentTerminator(_ line: String) -> String? {
        guard let marker = line.components(separatedBy: "<<").dropFirst().last else { return nil }
        let word = marker.split(separator: " ").first.map(String.init) ?? ""
        let bare = word.filter { $0 != "'" && $0 != "\"" && $0 != "-" }
        return bare.isEmpty ? nil : bare
    }

    /// Splits at spaces that are outside single and double quotes; a word keeps its quotes.
    /// A comment (`#` at the start of a word) is one word to the end: a `\` inside a comment
    /// would not continue the line, and its next line would run as a command.
    static func shellWords(_ command: String) -> [String] {
        var words: [String] = [], current = "", quote: Character?
        for (offset, character) in command.enumerated() {
            if quote == nil, current.isEmpty, character == "#" {
                return words + [String(command.dropFirst(offset))]
            }
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == " " {
                words.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        return words + [current]
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
