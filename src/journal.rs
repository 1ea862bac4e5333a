//! Sealing events into log rows and verifying rows back into events.
//!
//! The journal holds the record key and the chain position. Every row read
//! is checked in this order, and the first failure names its sequence number:
//! position (no gap, no reordering), field sizes, ciphertext hash, AEAD
//! (bound to position and previous head, so rows from elsewhere fail), leaf,
//! head. After the last row the sealed tip must match, which catches rows cut
//! from the end.

use zeroize::Zeroizing;

use crate::crypto::SecretKey;
use crate::crypto::chain::{self, Hash};
use crate::crypto::record::{self, NONCE_LEN, RECORD_VERSION};
use crate::error::{Error, Result};
use crate::model::Record;
use crate::store::{LogRow, Sealed};

pub(crate) struct Journal {
    rec_key: SecretKey,
    vault_id: [u8; 16],
    seq: u64,
    head: Hash,
}

impl Journal {
    /// A journal positioned before the first row.
    pub fn new(vault_key: &SecretKey, vault_id: [u8; 16]) -> Self {
        Journal {
            rec_key: vault_key.derive(b"idv1/rec"),
            vault_id,
            seq: 0,
            head: chain::genesis(&vault_id),
        }
    }

    /// Sequence number of the last verified or appended row.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Chain head after the last row.
    pub fn head(&self) -> Hash {
        self.head
    }

    /// Verifies the next row and returns its record.
    pub fn open_row(&mut self, row: &LogRow) -> Result<Record> {
        let expected = self.seq + 1;
        let seq =
            u64::try_from(row.seq).map_err(|_| Error::tampered(expected, "bad sequence number"))?;
        if seq != expected {
            return Err(Error::tampered(
                expected,
                if seq > expected {
                    "entry missing"
                } else {
                    "entries out of order"
                },
            ));
        }
        let bad = |reason| Error::tampered(seq, reason);
        let nonce: [u8; NONCE_LEN] = row
            .nonce
            .as_slice()
            .try_into()
            .map_err(|_| bad("nonce altered"))?;
        let ct = row.ct.as_deref().ok_or_else(|| bad("content removed"))?;
        let cth: Hash = row
            .cth
            .as_slice()
            .try_into()
            .map_err(|_| bad("ciphertext hash altered"))?;
        let leaf: Hash = row
            .leaf
            .as_slice()
            .try_into()
            .map_err(|_| bad("leaf altered"))?;
        let head: Hash = row
            .head
            .as_slice()
            .try_into()
            .map_err(|_| bad("head altered"))?;
        if chain::ciphertext_hash(&nonce, ct) != cth {
            return Err(bad("content altered"));
        }
        let aad = record::record_aad(RECORD_VERSION, seq, &self.head);
        let plaintext = record::open(&self.rec_key, &nonce, &aad, ct)
            .map_err(|_| bad("does not decrypt here (altered, moved or from another vault)"))?;
        if chain::leaf(seq, &plaintext) != leaf {
            return Err(bad("leaf does not match the content"));
        }
        let next = chain::next_head(&self.head, seq, &leaf, &cth);
        if next != head {
            return Err(bad("chain head does not match"));
        }
        let record =
            Record::from_json(&plaintext).map_err(|_| bad("content is not a valid record"))?;
        self.seq = seq;
        self.head = next;
        Ok(record)
    }

    /// Seals `records` as the rows after the current position, without moving
    /// the position: call [`Journal::advance`] once the rows are committed.
    pub fn seal_rows(&self, records: &[Record]) -> (Vec<LogRow>, u64, Hash) {
        let mut seq = self.seq;
        let mut head = self.head;
        let rows = records
            .iter()
            .map(|rec| {
                seq += 1;
                let plaintext = Zeroizing::new(rec.to_canonical_json());
                let aad = record::record_aad(RECORD_VERSION, seq, &head);
                let (nonce, ct) = record::seal(&self.rec_key, &aad, &plaintext);
                let leaf = chain::leaf(seq, &plaintext);
                let cth = chain::ciphertext_hash(&nonce, &ct);
                head = chain::next_head(&head, seq, &leaf, &cth);
                LogRow {
                    seq: seq as i64,
                    nonce: nonce.to_vec(),
                    ct: Some(ct),
                    cth: cth.to_vec(),
                    leaf: leaf.to_vec(),
                    head: head.to_vec(),
                }
            })
            .collect();
        (rows, seq, head)
    }

    /// Moves the position after rows were committed.
    pub fn advance(&mut self, seq: u64, head: Hash) {
        self.seq = seq;
        self.head = head;
    }

    fn tip_aad(&self) -> Vec<u8> {
        [&b"idv1/tip"[..], &self.vault_id].concat()
    }

    /// Seals `(seq, head)`: the authenticated end of the log.
    pub fn seal_tip(&self, seq: u64, head: &Hash) -> Sealed {
        let mut plain = seq.to_be_bytes().to_vec();
        plain.extend_from_slice(head);
        let (nonce, ct) = record::seal(&self.rec_key, &self.tip_aad(), &plain);
        Sealed { nonce, ct }
    }

    /// After every row was read: the sealed tip must name the same end.
    pub fn check_tip(&self, sealed: &Sealed) -> Result<()> {
        let plain = record::open(&self.rec_key, &sealed.nonce, &self.tip_aad(), &sealed.ct)
            .map_err(|_| Error::Damaged("the sealed end of the log was altered".into()))?;
        if plain.len() != 40 {
            return Err(Error::Damaged(
                "the sealed end of the log was altered".into(),
            ));
        }
        let tip_seq = u64::from_be_bytes(plain[..8].try_into().expect("8 bytes"));
        if tip_seq > self.seq {
            return Err(Error::tampered(
                self.seq + 1,
                "entry missing from the end of the log",
            ));
        }
        if tip_seq < self.seq {
            return Err(Error::tampered(
                tip_seq + 1,
                "entry added after the sealed end of the log",
            ));
        }
        if plain[8..] != self.head {
            return Err(Error::tampered(
                self.seq.max(1),
                "the log does not end where it was sealed",
            ));
        }
        Ok(())
    }
}
