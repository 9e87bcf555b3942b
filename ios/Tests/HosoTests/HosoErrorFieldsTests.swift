// HosoErrorFieldsTests.swift — the fields every HosoError variant carries.

import HosoFFI
import XCTest
@testable import Hoso

final class HosoErrorFieldsTests: XCTestCase {
    func testFieldsAreReadFromAnyVariant() {
        let errors: [HosoError] = [
            .Portal(code: "invalid_credentials", message: "vi / en", messageVi: "vi", messageEn: "en"),
            .NotLoggedIn(code: "not_logged_in", message: "vi / en", messageVi: "vi", messageEn: "en"),
            .Internal(code: "closed", message: "vi / en", messageVi: "vi", messageEn: "en"),
        ]
        XCTAssertEqual(errors.map(\.code), ["invalid_credentials", "not_logged_in", "closed"])
        for error in errors {
            XCTAssertEqual(error.message, "vi / en")
            XCTAssertEqual(error.messageVi, "vi")
            XCTAssertEqual(error.messageEn, "en")
        }
    }
}
