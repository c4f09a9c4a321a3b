//! Enumerations with a stable code for the store and the API and a Chinese label for people.

/// Declares such an enumeration: `ALL`, `as_str` (the code), `label` and `parse`, which
/// accepts either, as forms and spreadsheets give them.
#[macro_export]
macro_rules! labelled_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal / $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Accepts the code or the Chinese label, as forms and spreadsheets give them.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str() == s || v.label() == s)
            }
        }

        // Described as serde writes it (the variant in snake_case), with each one's label.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let wire = |v: &$name| $crate::labelled::snake_case(&format!("{v:?}"));
                let labels: Vec<String> =
                    Self::ALL.iter().map(|v| format!("{}: {}", wire(v), v.label())).collect();
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::String)
                    .enum_values(Some(Self::ALL.iter().map(wire)))
                    .description(Some(labels.join("; ")))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

/// `VerySatisfied` → `very_satisfied`, as `#[serde(rename_all = "snake_case")]` writes it.
pub fn snake_case(variant: &str) -> String {
    let mut out = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::evaluation::Answer;
    use utoipa::PartialSchema;

    #[test]
    fn the_schema_lists_what_serde_writes() {
        let written = serde_json::to_value(Answer::VerySatisfied).expect("json");
        let schema = serde_json::to_value(Answer::schema()).expect("schema");
        let values = schema["enum"].as_array().expect("enum");
        assert_eq!(values.len(), Answer::ALL.len());
        assert!(values.contains(&written), "{written} in {values:?}");
        assert!(
            schema["description"]
                .as_str()
                .is_some_and(|d| d.contains(Answer::VerySatisfied.label()))
        );
    }
}
