import AirlockBase

/// ssh-agent could not be reached or did not sign.
package struct AgentError: AirlockError, Equatable {
    package var socket: String
    package var reason: String
    package var exitStatus: ExitStatus { .failure }
    package var description: String { "ssh-agent at \(socket): \(reason)" }
}
