/// The normal build's `main`: runs inputs through a target once, without libFuzzer, to
/// reproduce a crash file or check a corpus (`FlatnetFuzz TARGET FILE|DIR...`).
enum CorpusReplay {
    static func run(_ arguments: [String]) -> Int32 {
        guard arguments.count >= 2, let target = FuzzTarget.named(arguments[0]) else {
            printError("usage: FlatnetFuzz TARGET FILE|DIR...  (replays each input once)\ntargets:\n"
                + FuzzTarget.listing)
            return 2
        }
        if let problem = target.setupProblem() {
            printError("FlatnetFuzz \(target.name): \(problem)")
            return 2
        }
        var count = 0
        for path in arguments.dropFirst() {
            guard let files = FuzzFiles.inputs(at: path) else {
                printError("FlatnetFuzz: no such file or directory: \(path)")
                return 2
            }
            for file in files {
                guard let bytes = FuzzFiles.read(file) else {
                    printError("FlatnetFuzz: cannot read \(file)")
                    return 2
                }
                target.run(bytes)
                count += 1
            }
        }
        print("replayed \(count) inputs through \(target.name)")
        return 0
    }
}
