#include "common/signed_envelope.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/encoding.h"

namespace piiguard {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kPayload =
    R"({"city":"東村山市","valid_until":"2027-03-31","version":3})";

Ed25519PrivateKey GenerateKey() {
  Result<Ed25519PrivateKey> key = Ed25519PrivateKey::Generate();
  EXPECT_TRUE(key.ok());
  return std::move(key).value();
}

std::string Header(std::string_view type, std::string_view key,
                   std::string_view signature_b64, std::string_view length) {
  return "piiguard-signed/1\ntype: " + std::string(type) +
         "\nkey: " + std::string(key) +
         "\nsignature: " + std::string(signature_b64) +
         "\nlength: " + std::string(length) + "\n\n";
}

class SignedEnvelopeTest : public ::testing::Test {
 protected:
  SignedEnvelopeTest()
      : key_(GenerateKey()),
        other_key_(GenerateKey()),
        trusted_{other_key_.PublicKey(), key_.PublicKey()} {}

  SignedEnvelope Sign(std::string_view type, std::string_view payload) {
    Result<SignedEnvelope> envelope =
        SignEnvelope(type, std::string(payload), key_);
    EXPECT_TRUE(envelope.ok()) << envelope.status().ToString();
    return envelope.ok() ? *envelope : SignedEnvelope{};
  }

  // Parses and verifies; the error of whichever step failed.
  Result<size_t> ParseAndVerify(std::string_view bytes,
                                std::string_view type) const {
    Result<SignedEnvelope> envelope = ParseSignedEnvelope(bytes);
    if (!envelope.ok()) return envelope.status();
    return VerifySignedEnvelope(*envelope, type, trusted_);
  }

  Ed25519PrivateKey key_;
  Ed25519PrivateKey other_key_;
  std::vector<Ed25519PublicKey> trusted_;
};

TEST_F(SignedEnvelopeTest, SignSerializeParseVerifyRoundTrip) {
  const SignedEnvelope envelope = Sign("policy", kPayload);
  EXPECT_EQ(envelope.type, "policy");
  EXPECT_EQ(envelope.key_id, key_.PublicKey().KeyId());
  EXPECT_EQ(envelope.signature.size(), kEd25519SignatureSize);
  EXPECT_EQ(envelope.payload, kPayload);

  const std::string bytes = SerializeSignedEnvelope(envelope);
  EXPECT_EQ(bytes,
            Header("policy", envelope.key_id, Base64Encode(envelope.signature),
                   std::to_string(kPayload.size())) +
                std::string(kPayload) + "\n");

  Result<SignedEnvelope> parsed = ParseSignedEnvelope(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->type, envelope.type);
  EXPECT_EQ(parsed->key_id, envelope.key_id);
  EXPECT_EQ(parsed->signature, envelope.signature);
  EXPECT_EQ(parsed->payload, envelope.payload);
  EXPECT_EQ(SerializeSignedEnvelope(*parsed), bytes);

  Result<size_t> index = VerifySignedEnvelope(*parsed, "policy", trusted_);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(*index, 1U);  // trusted_[1] is key_
}

TEST_F(SignedEnvelopeTest, SignatureCoversMagicTypeAndPayload) {
  EXPECT_EQ(SignatureInput("policy", "{}"),
            std::string("piiguard-signed/1\0policy\0{}", 27));
  const SignedEnvelope envelope = Sign("stick-key", kPayload);
  EXPECT_TRUE(key_.PublicKey().Verify(SignatureInput("stick-key", kPayload),
                                      envelope.signature));
  EXPECT_FALSE(key_.PublicKey().Verify(SignatureInput("policy", kPayload),
                                       envelope.signature));
  EXPECT_FALSE(key_.PublicKey().Verify(kPayload, envelope.signature));
}

TEST_F(SignedEnvelopeTest, VerifyReturnsIndexOfTheSigningKey) {
  Result<SignedEnvelope> envelope =
      SignEnvelope("policy", std::string(kPayload), other_key_);
  ASSERT_TRUE(envelope.ok());
  Result<size_t> index = VerifySignedEnvelope(*envelope, "policy", trusted_);
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(*index, 0U);
}

TEST_F(SignedEnvelopeTest, RoundTripsEmptyAndMultiLinePayloads) {
  for (std::string_view payload :
       {std::string_view(""), std::string_view("\n"),
        std::string_view("line 1\nline 2\n\n"), std::string_view("{}")}) {
    const std::string bytes = SerializeSignedEnvelope(Sign("report", payload));
    Result<SignedEnvelope> parsed = ParseSignedEnvelope(bytes);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->payload, payload);
    EXPECT_TRUE(ParseAndVerify(bytes, "report").ok());
  }
}

// The central property: every byte of a signed file is protected. Change
// any one byte to any of several values and the file must be refused, by
// the parser or by the signature check.
TEST_F(SignedEnvelopeTest, EverySingleByteChangeIsRefused) {
  const std::string bytes = SerializeSignedEnvelope(Sign("policy", kPayload));
  ASSERT_TRUE(ParseAndVerify(bytes, "policy").ok());
  size_t checked = 0;
  for (size_t pos = 0; pos < bytes.size(); ++pos) {
    const auto b = static_cast<unsigned char>(bytes[pos]);
    for (unsigned int replacement :
         {b ^ 0x01U, b ^ 0x02U, b ^ 0x20U, b ^ 0x80U, unsigned{'\n'},
          unsigned{' '}, unsigned{'0'}, unsigned{'a'}, unsigned{'='},
          unsigned{'\0'}}) {
      if (replacement == b) continue;
      std::string altered = bytes;
      altered[pos] = static_cast<char>(replacement);
      EXPECT_FALSE(ParseAndVerify(altered, "policy").ok())
          << "byte " << pos << " changed from " << static_cast<int>(b) << " to "
          << replacement << " was accepted";
      ++checked;
    }
  }
  EXPECT_GT(checked, bytes.size() * 8);
}

TEST_F(SignedEnvelopeTest, EveryByteDeletionOrInsertionIsRefused) {
  const std::string bytes = SerializeSignedEnvelope(Sign("policy", kPayload));
  for (size_t pos = 0; pos < bytes.size(); ++pos) {
    std::string deleted = bytes;
    deleted.erase(pos, 1);
    EXPECT_FALSE(ParseAndVerify(deleted, "policy").ok()) << "deleted " << pos;
  }
  for (size_t pos = 0; pos <= bytes.size(); ++pos) {
    for (char c : {'\n', ' ', '0', 'a'}) {
      std::string inserted = bytes;
      inserted.insert(pos, 1, c);
      EXPECT_FALSE(ParseAndVerify(inserted, "policy").ok())
          << "inserted " << static_cast<int>(c) << " at " << pos;
    }
  }
}

TEST_F(SignedEnvelopeTest, EveryTruncationIsRefused) {
  const std::string bytes = SerializeSignedEnvelope(Sign("policy", kPayload));
  const std::string_view view = bytes;
  for (size_t length = 0; length < bytes.size(); ++length) {
    Result<SignedEnvelope> parsed = ParseSignedEnvelope(view.substr(0, length));
    EXPECT_FALSE(parsed.ok()) << "truncated to " << length;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST_F(SignedEnvelopeTest, AppendedBytesAreRefused) {
  const std::string bytes = SerializeSignedEnvelope(Sign("policy", kPayload));
  for (const std::string& tail :
       {std::string("\n"), std::string("x"), std::string(" "),
        std::string(1, '\0'), std::string("\r\n"), bytes}) {
    Result<SignedEnvelope> parsed = ParseSignedEnvelope(bytes + tail);
    ASSERT_FALSE(parsed.ok());
    EXPECT_THAT(parsed.status().message(), HasSubstr("length does not match"));
  }
}

TEST_F(SignedEnvelopeTest, WrongTypeIsRefused) {
  const SignedEnvelope policy = Sign("policy", kPayload);
  Result<size_t> as_stick = VerifySignedEnvelope(policy, "stick-key", trusted_);
  ASSERT_FALSE(as_stick.ok());
  EXPECT_EQ(as_stick.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(as_stick.status().message(),
            "signed file: type: is \"policy\", expected \"stick-key\"");

  // Relabelling the file does not help: the type is under the signature.
  SignedEnvelope relabelled = policy;
  relabelled.type = "stick-key";
  const std::string bytes = SerializeSignedEnvelope(relabelled);
  Result<size_t> result = ParseAndVerify(bytes, "stick-key");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(result.status().message(), HasSubstr("does not verify"));
}

TEST_F(SignedEnvelopeTest, UnknownSignerIsUnauthenticated) {
  const SignedEnvelope envelope = Sign("policy", kPayload);
  const std::vector<Ed25519PublicKey> only_other = {other_key_.PublicKey()};
  for (std::span<const Ed25519PublicKey> trusted :
       {std::span<const Ed25519PublicKey>(only_other),
        std::span<const Ed25519PublicKey>()}) {
    Result<size_t> result = VerifySignedEnvelope(envelope, "policy", trusted);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(result.status().message(), "signed file: key " +
                                             envelope.key_id.substr(0, 16) +
                                             ": signer is not a trusted key");
  }
}

TEST_F(SignedEnvelopeTest, ClaimedKeyIdOfAnotherTrustedKeyFails) {
  // A signature by key_ that claims to be by other_key_.
  SignedEnvelope envelope = Sign("policy", kPayload);
  envelope.key_id = other_key_.PublicKey().KeyId();
  Result<size_t> result = VerifySignedEnvelope(envelope, "policy", trusted_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
}

TEST_F(SignedEnvelopeTest, AlteredPayloadIsUnauthenticated) {
  SignedEnvelope envelope = Sign("policy", kPayload);
  envelope.payload[10] = 'X';
  Result<size_t> result = VerifySignedEnvelope(envelope, "policy", trusted_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(result.status().message(),
              HasSubstr("signed file: signature: does not verify"));
}

TEST_F(SignedEnvelopeTest, LengthMustBeCanonicalDecimal) {
  const SignedEnvelope envelope = Sign("policy", "0123456789");
  const std::string sig = Base64Encode(envelope.signature);
  const std::string good =
      Header("policy", envelope.key_id, sig, "10") + "0123456789\n";
  ASSERT_TRUE(ParseAndVerify(good, "policy").ok());
  for (std::string_view length :
       {"010", "0010", "+10", "-10", " 10", "10 ", "1e1", "0x0a", "", "9", "11",
        "18446744073709551626", "99999999999999999999999"}) {
    Result<SignedEnvelope> parsed = ParseSignedEnvelope(
        Header("policy", envelope.key_id, sig, length) + "0123456789\n");
    EXPECT_FALSE(parsed.ok()) << "length \"" << length << "\"";
  }
  Result<SignedEnvelope> zero_padded = ParseSignedEnvelope(
      Header("policy", envelope.key_id, sig, "010") + "0123456789\n");
  ASSERT_FALSE(zero_padded.ok());
  EXPECT_EQ(zero_padded.status().message(),
            "signed file: length: not a valid length");
}

TEST_F(SignedEnvelopeTest, ZeroLengthPayload) {
  const SignedEnvelope envelope = Sign("policy", "");
  const std::string sig = Base64Encode(envelope.signature);
  const std::string good = Header("policy", envelope.key_id, sig, "0") + "\n";
  EXPECT_EQ(SerializeSignedEnvelope(envelope), good);
  EXPECT_TRUE(ParseAndVerify(good, "policy").ok());
  EXPECT_FALSE(
      ParseSignedEnvelope(Header("policy", envelope.key_id, sig, "00") + "\n")
          .ok());
  // The payload must end with exactly the one newline.
  EXPECT_FALSE(
      ParseSignedEnvelope(Header("policy", envelope.key_id, sig, "0")).ok());
}

TEST_F(SignedEnvelopeTest, RefusesMalformedHeaders) {
  const SignedEnvelope envelope = Sign("policy", "{}");
  const std::string key = envelope.key_id;
  const std::string sig = Base64Encode(envelope.signature);
  const std::string body = "{}\n";
  std::string upper_key = key;
  for (char& c : upper_key) c = static_cast<char>(std::toupper(c));
  ASSERT_NE(upper_key, key);
  const std::string short_sig = Base64Encode(envelope.signature.substr(0, 63));
  const std::string long_sig = Base64Encode(envelope.signature + "x");
  // 64 bytes end in "x?==" where '?' carries 4 bits the decoder drops;
  // 'B' sets one of them.
  ASSERT_EQ(sig.substr(sig.size() - 2), "==");
  std::string non_canonical_sig = sig;
  non_canonical_sig[sig.size() - 3] = 'B';

  const std::vector<std::string> bad = {
      "",
      "piiguard-signed/1",
      "piiguard-signed/2\n" + Header("policy", key, sig, "2").substr(18) + body,
      "PIIGUARD-SIGNED/1\n" + Header("policy", key, sig, "2").substr(18) + body,
      "\n" + Header("policy", key, sig, "2") + body,
      Header("Policy", key, sig, "2") + body,
      Header("pol_icy", key, sig, "2") + body,
      Header("pol icy", key, sig, "2") + body,
      Header("", key, sig, "2") + body,
      Header(std::string(33, 'a'), key, sig, "2") + body,
      Header(std::string(300, 'a'), key, sig, "2") + body,
      Header("policy", upper_key, sig, "2") + body,
      Header("policy", key.substr(1), sig, "2") + body,
      Header("policy", key + "0", sig, "2") + body,
      Header("policy", "", sig, "2") + body,
      Header("policy", key, short_sig, "2") + body,
      Header("policy", key, long_sig, "2") + body,
      Header("policy", key, sig.substr(0, sig.size() - 2), "2") + body,
      Header("policy", key, non_canonical_sig, "2") + body,
      Header("policy", key, "", "2") + body,
      // Field names, separators and order are exact.
      "piiguard-signed/1\nkey: " + key + "\ntype: policy\nsignature: " + sig +
          "\nlength: 2\n\n" + body,
      "piiguard-signed/1\ntype:policy\nkey: " + key + "\nsignature: " + sig +
          "\nlength: 2\n\n" + body,
      "piiguard-signed/1\ntype: policy\nkey: " + key + "\nsignature: " + sig +
          "\nlength: 2\nextra: 1\n\n" + body,
      "piiguard-signed/1\ntype: policy\nkey: " + key + "\nsignature: " + sig +
          "\nlength: 2\n" + body,  // no empty line
      "piiguard-signed/1\r\ntype: policy\r\nkey: " + key +
          "\r\nsignature: " + sig + "\r\nlength: 2\r\n\r\n{}\r\n",
  };
  for (const std::string& bytes : bad) {
    Result<SignedEnvelope> parsed = ParseSignedEnvelope(bytes);
    EXPECT_FALSE(parsed.ok()) << bytes;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
      EXPECT_THAT(parsed.status().message(),
                  ::testing::StartsWith("signed file"));
    }
  }
  // The valid variant of the same header is accepted.
  EXPECT_TRUE(
      ParseAndVerify(Header("policy", key, sig, "2") + body, "policy").ok());
}

TEST_F(SignedEnvelopeTest, TypeNamesUpTo32Characters) {
  const std::string longest(32, 'z');
  const std::string bytes = SerializeSignedEnvelope(Sign(longest, "{}"));
  EXPECT_TRUE(ParseAndVerify(bytes, longest).ok());
  for (std::string_view type : {"", "Policy", "a_b", "a b", "a.b", "é"}) {
    Result<SignedEnvelope> envelope = SignEnvelope(type, "{}", key_);
    ASSERT_FALSE(envelope.ok()) << type;
    EXPECT_EQ(envelope.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_FALSE(SignEnvelope(std::string(33, 'z'), "{}", key_).ok());
  EXPECT_TRUE(SignEnvelope("0-9", "{}", key_).ok());
}

TEST_F(SignedEnvelopeTest, SizeLimits) {
  Result<SignedEnvelope> too_big =
      SignEnvelope("policy", std::string(kMaxEnvelopeSize - 1023, 'x'), key_);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.status().code(), StatusCode::kInvalidArgument);

  // The largest payload that may be signed still fits in a parseable file.
  const SignedEnvelope largest =
      Sign("policy", std::string(kMaxEnvelopeSize - 1024, 'x'));
  const std::string bytes = SerializeSignedEnvelope(largest);
  EXPECT_LE(bytes.size(), kMaxEnvelopeSize);
  EXPECT_TRUE(ParseAndVerify(bytes, "policy").ok());

  Result<SignedEnvelope> oversized =
      ParseSignedEnvelope(std::string(kMaxEnvelopeSize + 1, '\n'));
  ASSERT_FALSE(oversized.ok());
  EXPECT_THAT(oversized.status().message(), HasSubstr("larger than 16 MiB"));
}

}  // namespace
}  // namespace piiguard
