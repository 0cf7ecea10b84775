import Foundation

/// Why a file could not be read or written, in plain words. Foundation's own text ("The
/// operation could not be completed. The file doesn’t exist.", or `Error Domain=NSCocoaErrorDomain
/// Code=260 …` when printed) names its error domain rather than the problem; the system's
/// words for the underlying error (`No such file or directory`) are what an operator looks up.
///
/// ```swift
/// FileErrorText.reason(CocoaError(.fileReadNoSuchFile))   // "no such file"
/// ```
package enum FileErrorText {
    package static func reason(_ error: any Error) -> String {
        let error = error as NSError
        if let number = posixCode(of: error) { return String(cString: strerror(number)) }
        guard error.domain == NSCocoaErrorDomain else { return "\(error)" }
        var isFolder: ObjCBool = false
        if let path = path(of: error), FileManager.default.fileExists(atPath: path, isDirectory: &isFolder),
            isFolder.boolValue
        {
            return "it is a folder, not a file"
        }
        switch CocoaError.Code(rawValue: error.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileReadInapplicableStringEncoding, .fileReadUnknownStringEncoding:
            return "not text in the expected encoding"
        case .fileReadCorruptFile: return "the file is damaged or not in the expected format"
        case .fileWriteOutOfSpace: return "no space left on the device"
        case .fileWriteFileExists: return "a file of that name exists already"
        case .fileWriteVolumeReadOnly: return "the file system is read-only"
        case .fileReadUnknown: return "it cannot be read"
        default: return "file error \(error.code)"
        }
    }

    /// `PATH: reason`, with the file Foundation's error names, if it names one.
    package static func described(_ error: any Error) -> String {
        (path(of: error as NSError).map { "\($0): " } ?? "") + reason(error)
    }

    private static func path(of error: NSError) -> String? {
        (error.userInfo[NSFilePathErrorKey] as? String) ?? (error.userInfo[NSURLErrorKey] as? URL)?.path
    }

    /// Whether `error` is one of Foundation's file errors, which `reason` words.
    package static func isFileError(_ error: any Error) -> Bool {
        let domain = (error as NSError).domain
        return domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain
    }

    private static func posixCode(of error: NSError) -> Int32? {
        if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
        guard let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError else { return nil }
        return posixCode(of: underlying)
    }
}
