/// "Did you mean" for a mistyped command: the closest known name by edit distance.
public enum CommandSuggestion {
    /// The candidate nearest to `typed`, when near enough to be a typo: at most one edit
    /// for names of up to four characters, two for longer ones (`doctr` -> `doctor`,
    /// `ipma` -> `ipam`). Ties go to the earlier candidate; nothing when none is near.
    public static func closest(to typed: String, among candidates: [String]) -> String? {
        let scored = candidates.map { (name: $0, distance: editDistance(typed, $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        let allowed = best.name.count <= 4 ? 1 : 2
        return best.distance <= allowed && best.distance < typed.count ? best.name : nil
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps
    /// of two adjacent characters each count one (a swap is the commonest typo).
    public static func editDistance(_ left: String, _ right: String) -> Int {
        let a = Array(left), b = Array(right)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous) = (previous, current)
        }
        return previous[b.count]
    }
}
