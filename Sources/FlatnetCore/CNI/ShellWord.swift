/// A string as one shell word, for commands flatnet prints for an operator to paste:
/// unchanged when it is made of characters no shell treats specially, else single-quoted
/// (a quote inside becomes '\'').
public enum ShellWord {
    static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:=@,%")

    public static func quoted(_ text: String) -> String {
        if !text.isEmpty && text.allSatisfy({ plain.contains($0) }) { return text }
        let parts = text.split(separator: "'", omittingEmptySubsequences: false)
        return "'" + parts.joined(separator: "'\\''") + "'"
    }
}
