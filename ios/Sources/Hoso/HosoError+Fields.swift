// HosoError+Fields.swift — owns reading the four fields every generated
// `HosoError` variant carries (`code`, `message`, `messageVi`, `messageEn`)
// without a fourteen-case switch wherever an error is shown or logged.

import HosoFFI

extension HosoError {
    /// The core's stable snake_case code, finer than the variant
    /// (`draft_not_found`, `invalid_credentials`, `offline` …). Never personal
    /// data: safe to log.
    public var code: String { fields.code }

    /// Both messages, "Vietnamese / English", for logs and quick display.
    public var message: String { fields.message }

    /// The message in Vietnamese, for the user.
    public var messageVi: String { fields.messageVi }

    /// The message in English.
    public var messageEn: String { fields.messageEn }

    private var fields: (code: String, message: String, messageVi: String, messageEn: String) {
        switch self {
        case let .NotFound(code, message, messageVi, messageEn),
             let .InvalidInput(code, message, messageVi, messageEn),
             let .NotReady(code, message, messageVi, messageEn),
             let .NoCatalog(code, message, messageVi, messageEn),
             let .KeyUnavailable(code, message, messageVi, messageEn),
             let .WrongKey(code, message, messageVi, messageEn),
             let .Damaged(code, message, messageVi, messageEn),
             let .Storage(code, message, messageVi, messageEn),
             let .NotLoggedIn(code, message, messageVi, messageEn),
             let .Network(code, message, messageVi, messageEn),
             let .Portal(code, message, messageVi, messageEn),
             let .Receipt(code, message, messageVi, messageEn),
             let .Cancelled(code, message, messageVi, messageEn),
             let .Internal(code, message, messageVi, messageEn):
            return (code, message, messageVi, messageEn)
        }
    }
}
