import AirlockBase

/// An environment variable Airlock reads holds what it cannot use.
struct EnvironmentError: AirlockError, Equatable {
    var variable: String
    var value: String
    var expected: String

    static func invalid(variable: String, value: String, expected: String) -> Self {
        Self(variable: variable, value: value, expected: expected)
    }

    var exitStatus: ExitStatus { .usageOrConfig }
    var description: String { "\(variable)='\(value)': expected \(expected)" }
}
