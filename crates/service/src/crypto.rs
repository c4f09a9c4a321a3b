//! Encryption at rest of ID numbers and phones (PIPL art. 28), and keyed blind indexes that
//! find them without decrypting: ChaCha20-Poly1305 and HMAC-SHA-256, subkeys of one master key.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("数据密钥应为 64 位十六进制字符（32 字节）")]
    BadFormat,
}

#[derive(Clone)]
pub struct Crypto {
    cipher: ChaCha20Poly1305,
    index_key: [u8; 32],
    audit_key: [u8; 32],
}

fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    // A fresh HMAC instance accepts any key length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(master).unwrap_or_else(|_| unreachable!());
    mac.update(label);
    mac.finalize().into_bytes().into()
}

impl Crypto {
    pub fn from_hex(hex_key: &str) -> Result<Crypto, KeyError> {
        let bytes = hex::decode(hex_key.trim()).map_err(|_| KeyError::BadFormat)?;
        let master: [u8; 32] = bytes.try_into().map_err(|_| KeyError::BadFormat)?;
        Ok(Crypto::new(&master))
    }

    pub fn new(master: &[u8; 32]) -> Crypto {
        let enc = derive(master, b"dangjian/encrypt/v1");
        Crypto {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&enc)),
            index_key: derive(master, b"dangjian/index/v1"),
            audit_key: derive(master, b"dangjian/audit/v1"),
        }
    }

    /// A new random master key, hex encoded, for a key file.
    pub fn generate_hex() -> String {
        let mut k = [0u8; 32];
        rand::rng().fill_bytes(&mut k);
        hex::encode(k)
    }

    /// nonce ‖ ciphertext.
    pub fn encrypt(&self, plain: &str) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        // Encryption fails only for messages beyond 256 GiB.
        let ct = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(ct);
        out
    }

    pub fn decrypt(&self, data: &[u8]) -> Option<String> {
        if data.len() < 12 {
            return None;
        }
        let (nonce, ct) = data.split_at(12);
        let plain = self.cipher.decrypt(Nonce::from_slice(nonce), ct).ok()?;
        String::from_utf8(plain).ok()
    }

    /// Deterministic keyed digest of a value: equal inputs match, nothing can be read back.
    pub fn blind_index(&self, kind: &str, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.index_key)
            .unwrap_or_else(|_| unreachable!());
        mac.update(kind.as_bytes());
        mac.update(b":");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The audit chain's key: a row's MAC cannot be recomputed without the data key, which is
    /// kept outside the database.
    pub(crate) fn audit_key(&self) -> [u8; 32] {
        self.audit_key
    }

    /// Stored once per database, to refuse starting with another key.
    pub fn key_check(&self) -> String {
        self.blind_index("key-check", "dangjian")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_index() {
        let c = Crypto::new(&[7; 32]);
        let ct = c.encrypt("500102198503170013");
        assert_eq!(c.decrypt(&ct).unwrap(), "500102198503170013");
        assert_ne!(c.encrypt("x"), c.encrypt("x"), "nonces differ");
        assert_eq!(c.blind_index("id", "a"), c.blind_index("id", "a"));
        assert_ne!(c.blind_index("id", "a"), c.blind_index("phone", "a"));
        let other = Crypto::new(&[8; 32]);
        assert!(other.decrypt(&ct).is_none());
        assert_ne!(other.key_check(), c.key_check());
    }

    #[test]
    fn hex_keys() {
        assert!(Crypto::from_hex(&Crypto::generate_hex()).is_ok());
        assert!(Crypto::from_hex("abc").is_err());
    }
}
