extension String {
    /// The text cut to at most `limit` bytes of whole characters, with how long it was, so
    /// an error never echoes megabytes of input back (issue 12: a 5 MB name came back
    /// whole). Short text is returned unchanged.
    public func bounded(_ limit: Int) -> String {
        guard utf8.count > limit else { return self }
        var kept = ""
        // A prefix: stop at the first character that does not fit (one huge character,
        // say a letter with hundreds of combining marks, must not be skipped over).
        for character in self {
            guard kept.utf8.count + character.utf8.count <= limit else { break }
            kept.append(character)
        }
        return kept + "… (\(utf8.count) bytes in all)"
    }
}
