//! Encryption at rest of ID numbers, phones and second-factor secrets (PIPL art. 28), keyed
//! blind indexes that find them without decrypting, digests of one-time secrets and the MACs
//! of the audit chain, all from subkeys of one master key. Two suites: `standard`
//! (ChaCha20-Poly1305, HMAC-SHA-256, SHA-256) and `sm`, the commercial cryptography a
//! government system's assessment (密评, GB/T 39786) asks for: SM4-GCM (GB/T 32907, GCM as in
//! RFC 8998), HMAC-SM3 and SM3 (GB/T 32905). A database chooses its suite when it is created
//! and keeps it; `reencrypt` moves a standard one to `sm`.

mod reencrypt;

pub use reencrypt::Reencrypted;

use aes_gcm::AesGcm;
use aes_gcm::aead::consts::U12;
use chacha20poly1305::ChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, KeyInit};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sm3::Sm3;
use sm4::Sm4;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("数据密钥应为 64 位十六进制字符（32 字节）")]
    BadFormat,
}

/// The algorithms a database's data is protected with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Suite {
    #[default]
    Standard,
    Sm,
}

impl Suite {
    /// How the suite is named in settings and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Suite::Standard => "standard",
            Suite::Sm => "sm",
        }
    }

    pub fn parse(s: &str) -> Option<Suite> {
        match s.trim() {
            "standard" => Some(Suite::Standard),
            "sm" => Some(Suite::Sm),
            _ => None,
        }
    }

    /// The algorithms, as an operator reads them.
    pub fn label(self) -> &'static str {
        match self {
            Suite::Standard => "ChaCha20-Poly1305 / HMAC-SHA-256",
            Suite::Sm => "国密 SM4-GCM / HMAC-SM3",
        }
    }
}

type Sm4Gcm = AesGcm<Sm4, U12>;

#[derive(Clone)]
enum Cipher {
    ChaCha(ChaCha20Poly1305),
    Sm4(Box<Sm4Gcm>),
}

const NONCE: usize = 12;

/// HMAC of `parts` in a row, with the suite's hash; both give 32 bytes.
fn hmac(suite: Suite, key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    fn run<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        // HMAC takes a key of any length: this cannot fail.
        let mut m = <M as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
        for p in parts {
            m.update(p);
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(&m.finalize().into_bytes()[..32]);
        out
    }
    match suite {
        Suite::Standard => run::<Hmac<Sha256>>(key, parts),
        Suite::Sm => run::<Hmac<Sm3>>(key, parts),
    }
}

/// The audit chain's key with its suite: a row's MAC cannot be recomputed without the data
/// key, which is kept outside the database.
#[derive(Clone, Copy)]
pub(crate) struct AuditKey {
    suite: Suite,
    key: [u8; 32],
}

impl AuditKey {
    pub(crate) fn mac(&self, content: &[u8]) -> String {
        hex::encode(hmac(self.suite, &self.key, &[content]))
    }
}

#[derive(Clone)]
pub struct Crypto {
    master: [u8; 32],
    suite: Suite,
    cipher: Cipher,
    index_key: [u8; 32],
}

impl Crypto {
    /// The key of a key file or of `DANGJIAN_DATA_KEY`, in the standard suite until the
    /// database says otherwise (`with_suite`).
    pub fn from_hex(hex_key: &str) -> Result<Crypto, KeyError> {
        let bytes = hex::decode(hex_key.trim()).map_err(|_| KeyError::BadFormat)?;
        let master: [u8; 32] = bytes.try_into().map_err(|_| KeyError::BadFormat)?;
        Ok(Crypto::new(&master, Suite::Standard))
    }

    pub fn new(master: &[u8; 32], suite: Suite) -> Crypto {
        let enc = hmac(suite, master, &[b"dangjian/encrypt/v1"]);
        let cipher = match suite {
            Suite::Standard => Cipher::ChaCha(ChaCha20Poly1305::new(&enc.into())),
            // SM4 takes 128 bits: the first half of the derived key.
            Suite::Sm => Cipher::Sm4(Box::new(Sm4Gcm::new(
                &<[u8; 16]>::try_from(&enc[..16])
                    .unwrap_or_else(|_| unreachable!())
                    .into(),
            ))),
        };
        Crypto {
            master: *master,
            suite,
            cipher,
            index_key: hmac(suite, master, &[b"dangjian/index/v1"]),
        }
    }

    /// The same key in another suite.
    pub fn with_suite(&self, suite: Suite) -> Crypto {
        Crypto::new(&self.master, suite)
    }

    pub fn suite(&self) -> Suite {
        self.suite
    }

    /// A new random master key, hex encoded, for a key file.
    pub fn generate_hex() -> String {
        let mut k = [0u8; 32];
        rand::rng().fill_bytes(&mut k);
        hex::encode(k)
    }

    /// nonce ‖ ciphertext ‖ tag.
    pub fn encrypt(&self, plain: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE];
        rand::rng().fill_bytes(&mut nonce);
        // Encryption fails only for messages beyond 64 GiB.
        let ct = match &self.cipher {
            Cipher::ChaCha(c) => c.encrypt(&nonce.into(), plain.as_bytes()),
            Cipher::Sm4(c) => c.encrypt(&nonce.into(), plain.as_bytes()),
        }
        .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(ct);
        out
    }

    pub fn decrypt(&self, data: &[u8]) -> Option<String> {
        if data.len() < NONCE {
            return None;
        }
        let (nonce, ct) = data.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().ok()?;
        let plain = match &self.cipher {
            Cipher::ChaCha(c) => c.decrypt(&nonce.into(), ct),
            Cipher::Sm4(c) => c.decrypt(&nonce.into(), ct),
        }
        .ok()?;
        String::from_utf8(plain).ok()
    }

    /// Deterministic keyed digest of a value: equal inputs match, nothing can be read back.
    pub fn blind_index(&self, kind: &str, value: &str) -> String {
        hex::encode(hmac(
            self.suite,
            &self.index_key,
            &[kind.as_bytes(), b":", value.as_bytes()],
        ))
    }

    /// The suite's hash of `parts` in a row, for secrets that are random and used once
    /// (session tokens, recovery codes): stored so that a copy of the database shows none.
    pub fn digest(&self, parts: &[&[u8]]) -> String {
        match self.suite {
            Suite::Standard => {
                let mut h = Sha256::new();
                parts.iter().for_each(|p| h.update(p));
                hex::encode(h.finalize())
            }
            Suite::Sm => {
                let mut h = Sm3::new();
                parts.iter().for_each(|p| h.update(p));
                hex::encode(h.finalize())
            }
        }
    }

    /// The audit key of this suite.
    pub(crate) fn audit_key(&self) -> AuditKey {
        self.audit_key_of(self.suite)
    }

    /// The audit key of `suite`, for rows written before the database changed suites.
    pub(crate) fn audit_key_of(&self, suite: Suite) -> AuditKey {
        AuditKey {
            suite,
            key: hmac(suite, &self.master, &[b"dangjian/audit/v1"]),
        }
    }

    /// Stored once per database, to refuse starting with another key or another suite.
    pub fn key_check(&self) -> String {
        self.blind_index("key-check", "dangjian")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).expect("hex")
    }

    #[test]
    fn round_trip_and_index_in_both_suites() {
        for suite in [Suite::Standard, Suite::Sm] {
            let c = Crypto::new(&[7; 32], suite);
            let ct = c.encrypt("500102198503170013");
            assert_eq!(c.decrypt(&ct).as_deref(), Some("500102198503170013"));
            assert_ne!(c.encrypt("x"), c.encrypt("x"), "nonces differ");
            assert_eq!(c.blind_index("id", "a"), c.blind_index("id", "a"));
            assert_ne!(c.blind_index("id", "a"), c.blind_index("phone", "a"));
            let other = Crypto::new(&[8; 32], suite);
            assert!(other.decrypt(&ct).is_none());
            assert_ne!(other.key_check(), c.key_check());
            let mut forged = ct.clone();
            if let Some(b) = forged.last_mut() {
                *b ^= 1;
            }
            assert!(c.decrypt(&forged).is_none(), "the tag is checked");
        }
        let standard = Crypto::new(&[7; 32], Suite::Standard);
        let sm = standard.with_suite(Suite::Sm);
        assert!(sm.decrypt(&standard.encrypt("x")).is_none());
        assert_ne!(sm.key_check(), standard.key_check());
        assert_ne!(sm.blind_index("id", "a"), standard.blind_index("id", "a"));
    }

    /// The standard suite must give what it gave before suites existed: databases written
    /// then are read with it.
    #[test]
    fn the_standard_suite_is_unchanged() {
        let c = Crypto::new(&[7; 32], Suite::Standard);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&[7; 32]).expect("key");
        mac.update(b"dangjian/index/v1");
        let index_key = mac.finalize().into_bytes();
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&index_key).expect("key");
        mac.update(b"id:a");
        assert_eq!(
            c.blind_index("id", "a"),
            hex::encode(mac.finalize().into_bytes())
        );
        assert_eq!(
            c.digest(&[b"abc"]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    /// GB/T 32907-2016 appendix A, example 1.
    #[test]
    fn sm4_block_vector() {
        use sm4::cipher::{BlockEncrypt, KeyInit as _};
        let key = unhex("0123456789abcdeffedcba9876543210");
        let cipher = Sm4::new_from_slice(&key).expect("key");
        let mut block = sm4::cipher::generic_array::GenericArray::clone_from_slice(&key);
        cipher.encrypt_block(&mut block);
        assert_eq!(hex::encode(block), "681edf34d206965e86b3e94f536e4246");
    }

    /// RFC 8998 appendix A.1: SM4-GCM.
    #[test]
    fn sm4_gcm_vector() {
        use aes_gcm::aead::{AeadInPlace, Payload};
        let key = unhex("0123456789ABCDEFFEDCBA9876543210");
        let nonce = unhex("00001234567800000000ABCD");
        let aad = unhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
        let plain = unhex(
            "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD\
             EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA",
        );
        let cipher = Sm4Gcm::new_from_slice(&key).expect("key");
        let nonce = aes_gcm::Nonce::<U12>::clone_from_slice(&nonce);
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: &plain,
                    aad: &aad,
                },
            )
            .expect("encrypt");
        assert_eq!(
            hex::encode_upper(&sealed),
            "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735\
             D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D\
             83DE3541E4C2B58177E065A9BF7B62EC"
        );
        let mut buf = sealed.clone();
        cipher
            .decrypt_in_place(&nonce, &aad, &mut buf)
            .expect("decrypt");
        assert_eq!(buf, plain);
    }

    /// GB/T 32905-2016 appendix A, examples 1 and 2, and HMAC-SM3 (RFC 2104 over SM3) as
    /// OpenSSL computes it for RFC 4231's second case.
    #[test]
    fn sm3_vectors() {
        let c = Crypto::new(&[7; 32], Suite::Sm);
        assert_eq!(
            c.digest(&[b"a", b"bc"]),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
        // Example 2: "abcd" sixteen times.
        assert_eq!(
            c.digest(&["abcd".repeat(16).as_bytes()]),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
        );
        assert_eq!(
            hex::encode(hmac(
                Suite::Sm,
                b"Jefe",
                &[b"what do ya want ", b"for nothing?"]
            )),
            "2e87f1d16862e6d964b50a5200bf2b10b764faa9680a296a2405f24bec39f882"
        );
    }

    #[test]
    fn hex_keys_and_suite_names() {
        assert!(Crypto::from_hex(&Crypto::generate_hex()).is_ok());
        assert!(Crypto::from_hex("abc").is_err());
        for s in [Suite::Standard, Suite::Sm] {
            assert_eq!(Suite::parse(s.name()), Some(s));
        }
        assert_eq!(Suite::parse("sm4"), None);
    }
}
