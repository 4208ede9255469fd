//! Messages on the wire: a Welcome sent for its joiners, a group message with its
//! recipients, and a client's mailbox as it is handed out.

use std::io::{Read, Write};

use openmls::prelude::MlsMessageIn;
use tls_codec::{
    Deserialize, Serialize, Size, TlsByteVecU32, TlsDeserialize, TlsSerialize, TlsSize, TlsVecU16,
    TlsVecU32,
};

use super::WireMessage;

/// One `MLSMessage` exactly as its sender encoded it: checked to decode as one,
/// then kept as bytes so the DS forwards what it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MlsMessageBytes(Vec<u8>);

impl MlsMessageBytes {
    /// The encoding of a message this side holds.
    pub fn encode(message: &MlsMessageIn) -> Result<Self, tls_codec::Error> {
        message.tls_serialize_detached().map(Self)
    }

    /// Bytes the DS stored after they had been checked at arrival.
    pub fn from_checked(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl Size for MlsMessageBytes {
    fn tls_serialized_len(&self) -> usize {
        self.0.len()
    }
}

impl Serialize for MlsMessageBytes {
    fn tls_serialize<W: Write>(&self, writer: &mut W) -> Result<usize, tls_codec::Error> {
        writer.write_all(&self.0)?;
        Ok(self.0.len())
    }
}

impl Deserialize for MlsMessageBytes {
    fn tls_deserialize<R: Read>(bytes: &mut R) -> Result<Self, tls_codec::Error> {
        let mut tee = Tee {
            inner: bytes,
            seen: Vec::new(),
        };
        MlsMessageIn::tls_deserialize(&mut tee)?;
        Ok(Self(tee.seen))
    }
}

/// A reader that keeps a copy of what was read through it.
struct Tee<'a, R> {
    inner: &'a mut R,
    seen: Vec<u8>,
}

impl<R: Read> Read for Tee<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.seen.extend_from_slice(&buf[..read]);
        Ok(read)
    }
}

/// The body of `/send/welcome`: one `MLSMessage`, which must be a Welcome.
#[derive(Debug, Clone, PartialEq, TlsSize, TlsSerialize, TlsDeserialize)]
pub struct SendWelcomeRequest {
    pub welcome: MlsMessageIn,
}

impl WireMessage for SendWelcomeRequest {
    const NAME: &'static str = "Welcome MLSMessage";
}

/// The body of `/send/message`: ds-lib's `GroupMessage`, the message then
/// `U32<U32<u8>>` recipient identities.
#[derive(Debug, Clone, PartialEq, TlsSize, TlsSerialize, TlsDeserialize)]
pub struct GroupMessage {
    pub message: MlsMessageIn,
    pub recipients: TlsVecU32<TlsByteVecU32>,
}

impl GroupMessage {
    pub fn new(message: MlsMessageIn, recipients: &[&[u8]]) -> Self {
        let recipients: Vec<TlsByteVecU32> = recipients.iter().map(|r| r.to_vec().into()).collect();
        Self {
            message,
            recipients: recipients.into(),
        }
    }
}

impl WireMessage for GroupMessage {
    const NAME: &'static str = "GroupMessage";
}

/// The answer of `/recv/{id}`: `U16<MLSMessage>`, Welcomes first.
#[derive(Debug, Clone, PartialEq, TlsSize, TlsSerialize, TlsDeserialize)]
pub struct Mailbox {
    pub messages: TlsVecU16<MlsMessageBytes>,
}

impl Mailbox {
    /// The most content bytes one answer can carry: its length prefix is 16 bits.
    pub const MAX_CONTENT: usize = u16::MAX as usize;

    pub fn new(messages: Vec<MlsMessageBytes>) -> Self {
        Self {
            messages: messages.into(),
        }
    }
}

impl WireMessage for Mailbox {
    const NAME: &'static str = "Mailbox";
}

#[cfg(test)]
mod tests {
    use super::super::checks::*;
    use super::super::fixtures::*;
    use super::super::{decode, WireError};
    use super::*;

    #[test]
    fn a_welcome_request_is_the_mls_message_itself() {
        let traffic = group_traffic();
        let value = SendWelcomeRequest {
            welcome: traffic.welcome.clone(),
        };
        let bytes = round_trips(&value);
        assert_eq!(bytes, bytes_of(&traffic.welcome));
        // MLSMessage header: version mls10, wire format mls_welcome (RFC 9420 §6).
        assert_eq!(&bytes[..4], &[0x00, 0x01, 0x00, 0x03]);
        refuses_truncated_and_trailing::<SendWelcomeRequest>(&bytes);
    }

    #[test]
    fn a_group_message_is_the_message_then_u32_recipients_of_u32_identities() {
        let traffic = group_traffic();
        let value = GroupMessage::new(traffic.commit.clone(), &[b"bob", b"carol"]);
        let bytes = round_trips(&value);
        let expected = [
            bytes_of(&traffic.commit).as_slice(),
            &[0, 0, 0, 16],
            &[0, 0, 0, 3],
            b"bob",
            &[0, 0, 0, 5],
            b"carol",
        ]
        .concat();
        assert_eq!(bytes, expected);
        refuses_truncated_and_trailing::<GroupMessage>(&bytes);
    }

    #[test]
    fn a_mailbox_is_a_u16_byte_length_then_the_messages_as_sent() {
        let traffic = group_traffic();
        let (welcome, application) = (bytes_of(&traffic.welcome), bytes_of(&traffic.application));
        let value = Mailbox::new(vec![
            MlsMessageBytes::from_checked(welcome.clone()),
            MlsMessageBytes::from_checked(application.clone()),
        ]);
        let bytes = round_trips(&value);
        let content = (welcome.len() + application.len()) as u16;
        let expected = [&content.to_be_bytes()[..], &welcome, &application].concat();
        assert_eq!(bytes, expected);
        refuses_truncated_and_trailing::<Mailbox>(&bytes);
        // What the cli reads it as: `TlsVecU16<MlsMessageIn>`.
        let read =
            TlsVecU16::<MlsMessageIn>::tls_deserialize_exact(&bytes).expect("the cli reads it");
        assert_eq!(read.as_slice(), &[traffic.welcome, traffic.application]);
    }

    #[test]
    fn message_bytes_keep_exactly_what_was_read() {
        let traffic = group_traffic();
        let encoded = bytes_of(&traffic.commit);
        let followed = [encoded.as_slice(), &[9, 9]].concat();
        let mut rest = followed.as_slice();
        let kept = MlsMessageBytes::tls_deserialize(&mut rest).expect("decodes");
        assert_eq!(kept.as_bytes(), encoded.as_slice());
        assert_eq!(rest, &[9, 9]);
        assert_eq!(MlsMessageBytes::encode(&traffic.commit).unwrap(), kept);
    }

    #[test]
    fn a_body_that_is_not_an_mls_message_is_malformed() {
        // Version 1, then wire format 0x0009, which RFC 9420 does not define.
        assert!(matches!(
            decode::<SendWelcomeRequest>(&[0x00, 0x01, 0x00, 0x09, 0x00]),
            Err(WireError::Malformed { .. })
        ));
    }
}
