import Glibc
import Synchronization

/// SIGTERM and SIGINT ask a long-running command to stop after the work in progress: the
/// handler only sets a flag, which loops check between steps, so no file or bundle is left
/// half done (and if one were, the transactions and staging make a restart finish it).
package enum StopSignal {
    private static let received = Atomic<Int32>(0)

    package static func install() {
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber) { number in StopSignal.received.store(number, ordering: .relaxed) }
            sigaddset(&unblock, signalNumber)
        }
        // A parent may hand down a mask that blocks them (Foundation's Process does).
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// The signal that asked to stop, if one did.
    package static var requested: Int32? {
        let number = received.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }
}
