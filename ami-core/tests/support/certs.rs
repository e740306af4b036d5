//! Test certificates made at test time: a throwaway CA and a server
//! certificate it signs for `localhost` and `127.0.0.1`, so that no key
//! material lives in the repository. Linux only (OpenSSL, the native-tls
//! backend there), with the `tls` feature.
#![cfg(all(feature = "tls", target_os = "linux"))]

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName};
use openssl::x509::{X509Builder, X509NameBuilder, X509};

/// A fresh server identity for `localhost` / `127.0.0.1`, and the PEM of the
/// CA that signed it, for clients to trust (`native_tls::Certificate::from_pem`).
pub fn localhost_identity() -> (native_tls::Identity, Vec<u8>) {
    let ca_key = new_key();
    let ca = certificate("ami-core test CA", &ca_key, None, |b| {
        b.append_extension(BasicConstraints::new().critical().ca().build()?)?;
        b.append_extension(KeyUsage::new().critical().key_cert_sign().crl_sign().build()?)
    });
    let key = new_key();
    let server = certificate("localhost", &key, Some((&ca, &ca_key)), |b| {
        let san =
            SubjectAlternativeName::new().dns("localhost").ip("127.0.0.1").build(&b.x509v3_context(Some(&ca), None))?;
        b.append_extension(san)?;
        b.append_extension(BasicConstraints::new().build()?)?;
        b.append_extension(KeyUsage::new().critical().digital_signature().key_agreement().build()?)?;
        b.append_extension(ExtendedKeyUsage::new().server_auth().build()?)
    });
    let mut chain = server.to_pem().expect("server certificate PEM");
    chain.extend(ca.to_pem().expect("CA PEM"));
    let key_pem = key.private_key_to_pem_pkcs8().expect("key PEM");
    let identity = native_tls::Identity::from_pkcs8(&chain, &key_pem).expect("identity from PEM");
    (identity, ca.to_pem().expect("CA PEM"))
}

fn new_key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("P-256");
    PKey::from_ec_key(EcKey::generate(&group).expect("EC key")).expect("EC key")
}

/// A certificate for `common_name` valid for a day, signed by `issuer` (or
/// by itself), with the extensions `extend` adds.
fn certificate(
    common_name: &str,
    key: &PKey<Private>,
    issuer: Option<(&X509, &PKey<Private>)>,
    extend: impl FnOnce(&mut X509Builder) -> Result<(), openssl::error::ErrorStack>,
) -> X509 {
    let build = || -> Result<X509, openssl::error::ErrorStack> {
        let mut name = X509NameBuilder::new()?;
        name.append_entry_by_nid(Nid::COMMONNAME, common_name)?;
        let name = name.build();
        let mut serial = BigNum::new()?;
        serial.rand(64, MsbOption::MAYBE_ZERO, false)?;
        let mut b = X509::builder()?;
        b.set_version(2)?;
        let serial = serial.to_asn1_integer()?;
        b.set_serial_number(&serial)?;
        b.set_subject_name(&name)?;
        b.set_issuer_name(issuer.map_or(&*name, |(ca, _)| ca.subject_name()))?;
        b.set_pubkey(key)?;
        let (from, until) = (Asn1Time::days_from_now(0)?, Asn1Time::days_from_now(1)?);
        b.set_not_before(&from)?;
        b.set_not_after(&until)?;
        extend(&mut b)?;
        b.sign(issuer.map_or(key, |(_, k)| k), MessageDigest::sha256())?;
        Ok(b.build())
    };
    build().expect("test certificate")
}
