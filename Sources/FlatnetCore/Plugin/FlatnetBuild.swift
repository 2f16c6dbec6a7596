/// Facts about this build, shown by `flatnet version` and the "about" text.
public enum FlatnetBuild {
    public static let version = "0.1.0"

    /// The line the reference library prints to stderr when run without CNI_COMMAND.
    public static var about: String {
        let versions = CNIVersion.supported.map(\.description).joined(separator: ", ")
        return "flatnet \(version): CNI plugin for flat layer-2 networks\n"
            + "CNI protocol versions supported: \(versions)"
    }
}
