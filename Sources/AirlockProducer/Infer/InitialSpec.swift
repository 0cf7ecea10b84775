import AirlockSpec

/// The airlock.yml `airlock init` writes: the producer, the inbox settings and one entity per
/// feed as `airlock infer` proposes it. Files of one feed (`orders-1.csv`, `orders-2.csv`) make
/// one entity, proposed from the first of them.
package struct InitialSpec {
    package var proposals: [SpecInference.Proposal]

    package init(proposals: [SpecInference.Proposal]) {
        var seen: Set<String> = []
        self.proposals = proposals.filter { seen.insert($0.entity).inserted }
    }

    package var yaml: String {
        let text = """
            # Written by airlock init. Each entity: the inbox files that feed it (source), its key,
            # and its typed columns, as airlock infer proposed them from the files given. Check the
            # comments: they name what infer could not decide. README: The spec.
            producer:
              key: producer                  # keys/producer signs bundles
              expires_after: 30d             # verify refuses older bundles (30d, 12h, 90m or never)

            # Read files move to inbox/processed/, unreadable ones to inbox/rejected/.
            inbox:
              processed: move


            """
        return text + "entities:\n" + proposals.map(\.entityYAML).joined(separator: "\n")
    }
}
