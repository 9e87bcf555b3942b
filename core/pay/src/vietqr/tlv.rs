//! EMVCo's data objects: a 2-digit tag, a 2-digit length (01–99, counted
//! in characters) and that many characters of value. Reading is bounded by
//! its input and never indexes past it: a length that runs past the end is
//! `truncated`, a tag or length that is not two digits is refused, and a
//! tag seen twice in one template is `duplicate_tag`.

use crate::error::{Scope, VietQrError};

/// One data object, its value borrowed from the characters read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Object<'a> {
    pub(super) tag: u8,
    pub(super) value: &'a [char],
}

/// The data objects of `chars`, a payload or a template's value, in order.
pub(super) fn read(chars: &[char], scope: Scope) -> Result<Vec<Object<'_>>, VietQrError> {
    let mut objects = Vec::new();
    // Tags seen, one bit each (tags are 00–99).
    let mut seen: u128 = 0;
    let mut rest = chars;
    while !rest.is_empty() {
        let (head, tail) = rest
            .split_at_checked(4)
            .ok_or(VietQrError::Truncated(scope))?;
        let (tag, length) = match head {
            [t1, t2, l1, l2] => (
                two_digits(*t1, *t2).ok_or(VietQrError::BadTag(scope))?,
                two_digits(*l1, *l2).ok_or(VietQrError::BadLength(scope))?,
            ),
            _ => return Err(VietQrError::Truncated(scope)),
        };
        if length == 0 {
            return Err(VietQrError::BadLength(scope));
        }
        let (value, after) = tail
            .split_at_checked(usize::from(length))
            .ok_or(VietQrError::Truncated(scope))?;
        let bit = 1u128 << tag;
        if seen & bit != 0 {
            return Err(VietQrError::DuplicateTag { tag, scope });
        }
        seen |= bit;
        objects.push(Object { tag, value });
        rest = after;
    }
    Ok(objects)
}

/// The value of the object tagged `tag`, if there is one.
pub(super) fn find<'a>(objects: &[Object<'a>], tag: u8) -> Option<&'a [char]> {
    objects.iter().find(|o| o.tag == tag).map(|o| o.value)
}

/// Appends the object `tag` / `value` to `out`. The caller gives a value of
/// 1 to 99 characters (checked in debug builds).
pub(super) fn write(out: &mut String, tag: u8, value: &str) {
    let length = value.chars().count();
    debug_assert!(tag <= 99 && (1..=99).contains(&length), "{tag} {length}");
    out.push_str(&format!("{tag:02}{length:02}"));
    out.push_str(value);
}

fn two_digits(tens: char, ones: char) -> Option<u8> {
    let tens = u8::try_from(tens.to_digit(10)?).ok()?;
    let ones = u8::try_from(ones.to_digit(10)?).ok()?;
    Some(tens * 10 + ones)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn reads_objects_in_order() {
        let text = chars("000201010211530370454061800005802VN");
        let objects = read(&text, Scope::Root).unwrap();
        let tags: Vec<u8> = objects.iter().map(|o| o.tag).collect();
        assert_eq!(tags, [0, 1, 53, 54, 58]);
        assert_eq!(find(&objects, 54), Some(&chars("180000")[..]));
        assert_eq!(find(&objects, 62), None);
    }

    #[test]
    fn lengths_count_characters() {
        let text = chars("0102đa");
        let objects = read(&text, Scope::Root).unwrap();
        assert_eq!(objects[0].value, &['đ', 'a'][..]);
    }

    #[test]
    fn refuses_what_is_not_a_run_of_objects() {
        let scope = Scope::AdditionalData;
        let cases = [
            ("01", VietQrError::Truncated(scope)),
            ("0105abc", VietQrError::Truncated(scope)),
            ("0103abc0", VietQrError::Truncated(scope)),
            ("a103abc", VietQrError::BadTag(scope)),
            ("0a03abc", VietQrError::BadTag(scope)),
            ("01x3abc", VietQrError::BadLength(scope)),
            ("0100", VietQrError::BadLength(scope)),
            ("0101a0101b", VietQrError::DuplicateTag { tag: 1, scope }),
            // A digit that is not ASCII is not a digit here.
            ("0١03abc", VietQrError::BadTag(scope)),
        ];
        for (text, error) in cases {
            assert_eq!(read(&chars(text), scope), Err(error), "{text}");
        }
        assert_eq!(read(&[], scope), Ok(vec![]));
    }

    #[test]
    fn writes_tag_length_value() {
        let mut out = String::new();
        write(&mut out, 8, "thanh toan don hang");
        write(&mut out, 99, "x");
        assert_eq!(out, "0819thanh toan don hang9901x");
    }
}
