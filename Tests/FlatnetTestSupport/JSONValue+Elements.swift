import FlatnetCore

extension JSONValue {
    /// The elements of an array, or nil for any other JSON type: with `#require`, a test
    /// whose fixture changed shape fails instead of returning early as if it had passed.
    public var arrayElements: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }
}
