/// The names keys and reviewers go by (`keys/NAME`, `approvals/NAME.sig`): one plain path
/// component, since they become file and member names.
package enum PrincipalName {
    package static func isValid(_ name: String) -> Bool {
        name.wholeMatch(of: #/[A-Za-z0-9_@-][A-Za-z0-9_.@-]{0,63}/#) != nil
    }
}
