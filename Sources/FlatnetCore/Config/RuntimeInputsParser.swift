/// Reads what the runtime injected: `runtimeConfig`, `args`, `prevResult` and the GC list.
/// `runtimeConfig` and `args` may hold keys meant for other plugins; those are ignored.
enum RuntimeInputsParser {
    static func parse(_ top: ObjectReader) -> RuntimeInputs {
        var inputs = RuntimeInputs()
        let runtimeConfig = top.object("runtimeConfig")
        let cniArgs = top.object("args").flatMap { $0.object("cni") }
        // args.cni wins over runtimeConfig (CNI conventions, "args" precedence).
        inputs.requestedAddresses = addresses(cniArgs) ?? addresses(runtimeConfig) ?? []
        inputs.requestedMAC = mac(cniArgs) ?? mac(runtimeConfig)
        if let allowed = cniArgs?.allowedAddresses("allowedAddresses") {
            (inputs.allowedAddresses, inputs.allowedAddressesPath) = (allowed, "args.cni.allowedAddresses")
        } else if let allowed = runtimeConfig?.allowedAddresses("allowedAddresses") {
            inputs.allowedAddresses = allowed
        }
        if let workload = workload(cniArgs) {
            (inputs.workload, inputs.workloadPath) = (workload, "args.cni.workload")
        } else {
            inputs.workload = workload(runtimeConfig)
        }
        if let prev = top.value("prevResult") {
            inputs.prevResult = CNIResultParser.parse(prev, path: "prevResult", log: top.log)
        }
        inputs.validAttachments = attachments(top, key: "cni.dev/valid-attachments")
            ?? attachments(top, key: "cni.dev/attachments")
        return inputs
    }

    private static func addresses(_ block: ObjectReader?) -> [IPPrefix]? {
        guard let block, let elements = block.array("ips"), !elements.isEmpty else { return nil }
        return elements.compactMap {
            ObjectReader.prefix($0.value, path: $0.path, log: block.log, allowBareAddress: true)
        }
    }

    private static func workload(_ block: ObjectReader?) -> String? {
        guard let block, let key = block.string("workload") else { return nil }
        guard WorkloadKey.isValid(key) else {
            block.log.add(block.childPath("workload"), "\"\(key)\" is not a workload key (1-253 bytes of"
                + " letters, digits, and . _ - / :)")
            return nil
        }
        return key
    }

    private static func mac(_ block: ObjectReader?) -> MACAddress? {
        guard let block, let text = block.string("mac") else { return nil }
        guard let mac = MACAddress(text), !mac.isMulticast, !mac.isZero else {
            block.log.add(block.childPath("mac"), "\"\(text)\" is not a unicast MAC address")
            return nil
        }
        return mac
    }

    private static func attachments(_ top: ObjectReader, key: String) -> [Attachment]? {
        guard let elements = top.array(key) else { return nil }
        return elements.compactMap { element in
            guard let entry = ObjectReader(element.value, path: element.path, log: top.log) else {
                return nil
            }
            let containerID = entry.string("containerID", required: true)
            let ifName = entry.string("ifname", required: true)
            guard let containerID, let ifName else { return nil }
            return Attachment(containerID: containerID, ifName: ifName)
        }
    }
}
