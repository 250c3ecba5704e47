#include "agent/roster/structured.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "agent/roster/containers.h"
#include "agent/roster/detector.h"
#include "agent/roster/office_testing.h"
#include "common/json.h"

namespace piiguard::roster {
namespace {

constexpr size_t kMax = size_t{1} << 20;

std::string Table(Structured kind, std::string_view text) {
  Result<std::string> t = StructuredToTable(kind, text, kMax);
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? *t : std::string();
}

TEST(StructuredTest, SniffsByContent) {
  EXPECT_EQ(SniffStructured("  [{\"a\":1}]"), Structured::kJson);
  EXPECT_EQ(SniffStructured("BEGIN:VCARD\r\nVERSION:3.0\r\n"),
            Structured::kVcard);
  EXPECT_EQ(SniffStructured("<!DOCTYPE html><html>"), Structured::kHtml);
  EXPECT_EQ(SniffStructured("<?xml version=\"1.0\"?><a/>"), Structured::kXml);
  EXPECT_EQ(SniffStructured("-- dump\nINSERT INTO t VALUES (1);"),
            Structured::kSql);
  EXPECT_EQ(SniffStructured("-- schema only\nCREATE TABLE t (a int);"),
            Structured::kNone);
  EXPECT_EQ(SniffStructured("氏名,住所\n"), Structured::kNone);
}

TEST(StructuredTest, JsonRecordsNestedAndLines) {
  std::string t = Table(Structured::kJson, R"({"residents": [
    {"name": "山田 太郎", "birthDate": "1985-04-12",
     "address": {"city": "東村山市", "street": "本町1-2-3"},
     "phones": ["090-1234-5678", "042-345-6789"]},
    {"name": "中村 花子", "birthDate": "1990-01-02",
     "address": {"city": "東村山市", "street": "野口町2-3-4"},
     "phones": []}]})");
  EXPECT_EQ(t,
            "name\tbirth date\taddress\tphones\n"
            "山田 太郎\t1985-04-12\t東村山市 本町1-2-3\t090-1234-5678 "
            "042-345-6789\n"
            "中村 花子\t1990-01-02\t東村山市 野口町2-3-4\t\n\n");
  EXPECT_EQ(Table(Structured::kJson,
                  "{\"a\":\"x\",\"b\":1}\n{\"a\":\"y\",\"b\":2}\n"),
            "a\tb\nx\t1\ny\t2\n\n");
  EXPECT_FALSE(StructuredToTable(Structured::kJson, "[{\"a\":", kMax).ok());
  std::string deep(100000, '[');
  EXPECT_FALSE(StructuredToTable(Structured::kJson, deep, kMax).ok());
}

TEST(StructuredTest, SqlInsertCreateAndCopy) {
  std::string t =
      Table(Structured::kSql,
            "CREATE TABLE `resident` (`id` int, `name_kanji` "
            "varchar(60), `phone` varchar(20), PRIMARY KEY (`id`));\n"
            "INSERT INTO `resident` VALUES (1,'山田 太郎','090-1234-5678'),"
            "(2,'O''Brien','03-1234-5678');\n"
            "COPY public.r (name, tel) FROM stdin;\n"
            "中村\\t花子\t042-345-6789\n\\N\t1\n\\.\n");
  EXPECT_EQ(t,
            "id\tname kanji\tphone\n1\t山田 太郎\t090-1234-5678\n"
            "2\tO'Brien\t03-1234-5678\n\nname\ttel\n中村 花子\t042-345-6789\n"
            "\t1\n\n");
}

TEST(StructuredTest, VcardCards) {
  std::string t =
      Table(Structured::kVcard,
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:山田 太郎\r\n"
            "ADR;TYPE=home:;;本町1-2-3;東村山市;東京都;189-0014;\r\n"
            "TEL;TYPE=cell:090-1234-5678\r\nBDAY:1985-04-12\r\n"
            "EMAIL:t.yamada@example.jp\r\nEND:VCARD\r\n"
            "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING="
            "QUOTED-PRINTABLE:=E4=B8=AD=E6=9D=91;=E8=8A=B1=E5=AD=90\r\n"
            "TEL:03-\r\n 1234-5678\r\nEND:VCARD\r\n");
  EXPECT_EQ(t,
            "氏名\tフリガナ\t住所\t電話番号\t生年月日\tメールアドレス\n"
            "山田 太郎\t\t189-0014 東京都 東村山市 本町1-2-3\t090-1234-5678\t"
            "1985-04-12\tt.yamada@example.jp\n"
            "中村 花子\t\t\t03-1234-5678\t\t\n\n");
}

TEST(StructuredTest, HtmlTablesAndText) {
  std::string t =
      Table(Structured::kHtml,
            "<html><head><style>td{}</style><script>x<y</script>"
            "</head><body><h1>名簿 &amp; 一覧</h1><table><tr><th>氏名"
            "<th>電話</tr><tr><td>山田&#x3000;太郎</td><td>090-1234"
            "-5678<br></td></tr></table><p>以上</p></body></html>");
  EXPECT_EQ(t,
            "名簿 & 一覧\n氏名\t電話\n山田\u3000太郎\t090-1234-5678\n\n以上\n");
}

TEST(StructuredTest, XmlRecordsAndSpreadsheet2003) {
  std::string t =
      Table(Structured::kXml,
            "<?xml version=\"1.0\"?><list><person id=\"1\"><name>山田 "
            "太郎</name><address><city>東村山市</city><street>本町1-2-3"
            "</street></address><tel>090-1234-5678</tel></person>"
            "<person><name>中村 花子</name><tel>03-1234-5678</tel>"
            "</person></list>");
  EXPECT_EQ(t,
            "name\taddress\ttel\n山田 太郎\t東村山市 本町1-2-3\t090-1234-5678\n"
            "中村 花子\t\t03-1234-5678\n\n");
  std::string ss =
      Table(Structured::kXml,
            "<Workbook><Worksheet><Table><Row><Cell><Data>氏名</Data>"
            "</Cell><Cell><Data>電話</Data></Cell></Row><Row><Cell>"
            "<Data>山田</Data></Cell><Cell><Data>1</Data></Cell>"
            "</Row></Table></Worksheet></Workbook>");
  EXPECT_EQ(ss, "氏名\t電話\n山田\t1\n\n");
  EXPECT_FALSE(StructuredToTable(Structured::kXml,
                                 "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
                                 kMax)
                   .ok());
}

std::string Gzip(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

TEST(ContainersTest, GunzipRoundTripsAndBoundsBombs) {
  DocLimits limits;
  std::string data = "氏名,電話\n山田 太郎,090-1234-5678\n";
  Result<std::string> back = Gunzip(Gzip(data) + Gzip(data), limits);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, data + data);
  std::string bomb = Gzip(std::string(size_t{50} << 20, 'a'));
  Result<std::string> r = Gunzip(bomb, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("zip bomb"), std::string::npos);
  std::string cut = Gzip(data);
  EXPECT_FALSE(Gunzip(cut.substr(0, cut.size() - 10), limits).ok());
}

class ContainerDetectorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    detector_ = Detector::Create().value().release();
  }
  static void TearDownTestSuite() { delete detector_; }
  static Verdict Examine(std::string_view bytes) {
    Result<Verdict> v = detector_->Examine(bytes, Options{});
    EXPECT_TRUE(v.ok());
    return v.ok() ? *v : Verdict{};
  }
  static Detector* detector_;
};
Detector* ContainerDetectorTest::detector_ = nullptr;

constexpr std::string_view kRoster =
    "氏名,住所,電話番号\n山田 太郎,東京都東村山市本町1-2-3,090-1234-5678\n"
    "中村 花子,東村山市野口町2-3-4,042-345-6789\n"
    "木村一郎,東村山市久米川町3-4-5,080-2345-6789\n";

TEST_F(ContainerDetectorTest, RosterInsideGzipAndZip) {
  Verdict v = Examine(Gzip(kRoster));
  EXPECT_TRUE(v.roster) << v.reason;
  EXPECT_EQ(v.format, "gzip/csv");
  std::optional<std::string> zip = testing::MakeZip(
      {{"readme.txt", "nothing here"}, {"名簿.csv", std::string(kRoster)}});
  ASSERT_TRUE(zip);
  v = Examine(*zip);
  EXPECT_TRUE(v.roster) << v.reason;
  EXPECT_EQ(v.format, "zip/csv");
  zip = testing::MakeZip({{"a.txt", "hello"}});
  ASSERT_TRUE(zip);
  v = Examine(*zip);
  EXPECT_TRUE(v.examined);
  EXPECT_FALSE(v.roster);
  // Two archives (gzip inside zip) are looked into; a third inside them is
  // not (archive nested too deep: not examined).
  v = Examine(Gzip(*testing::MakeZip({{"r.csv.gz", Gzip(kRoster)}})));
  EXPECT_FALSE(v.examined) << v.reason;
  v = Examine(*testing::MakeZip({{"r.csv.gz", Gzip(kRoster)}}));
  EXPECT_TRUE(v.roster) << v.reason;
}

TEST_F(ContainerDetectorTest, EncryptedZipMemberIsNotExamined) {
  testing::ZipMember secret("名簿.csv", std::string(kRoster));
  secret.password = "secret";
  std::optional<std::string> zip = testing::MakeZip({secret});
  ASSERT_TRUE(zip);
  Verdict v = Examine(*zip);
  EXPECT_FALSE(v.examined);
  EXPECT_NE(v.reason.find("password-protected"), std::string::npos) << v.reason;
}

TEST_F(ContainerDetectorTest, ProtectedDocumentsAreNotExamined) {
  std::string ole = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
  ole += std::string(100, '\0');
  ole += std::string("E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0", 32);
  Verdict v = Examine(ole);
  EXPECT_FALSE(v.examined);
  EXPECT_NE(v.reason.find("password-protected"), std::string::npos);
  v = Examine("%PDF-1.7\n1 0 obj\n<<>>\ntrailer\n<< /Encrypt 5 0 R >>\n");
  EXPECT_FALSE(v.examined);
  EXPECT_NE(v.reason.find("password-protected"), std::string::npos);
}

TEST_F(ContainerDetectorTest, ExportsAreRosters) {
  EXPECT_TRUE(
      Examine(
          R"([{"氏名":"山田 太郎","住所":"東京都東村山市本町1-2-3","電話":"090-1234-5678"},
{"氏名":"中村 花子","住所":"東村山市野口町2-3-4","電話":"042-345-6789"},
{"氏名":"木村 一郎","住所":"東村山市久米川町3-4-5","電話":"080-2345-6789"}])")
          .roster);
  Verdict v = Examine(
      "INSERT INTO r (name, address, tel) VALUES ('山田 "
      "太郎','東京都東村山市本町1-2-3',"
      "'090-1234-5678'),('中村 花子','東村山市野口町2-3-4','042-345-6789'),"
      "('木村 一郎','東村山市久米川町3-4-5','080-2345-6789');\n");
  EXPECT_TRUE(v.roster) << v.reason;
  EXPECT_EQ(v.format, "sql");
}

}  // namespace
}  // namespace piiguard::roster

namespace piiguard::roster {
namespace {

// ExamineFd gives the verdict Examine gives, reading the file in pieces.
TEST_F(ContainerDetectorTest, ExamineFdMatchesExamine) {
  char path[] = "/tmp/roster_fd_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  unlink(path);
  auto check = [&](const std::string& bytes, const Options& options) {
    ASSERT_EQ(ftruncate(fd, 0), 0);
    ASSERT_EQ(pwrite(fd, bytes.data(), bytes.size(), 0),
              static_cast<ssize_t>(bytes.size()));
    Result<Verdict> a = detector_->Examine(bytes, options);
    Result<Verdict> b = detector_->ExamineFd(fd, options);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->ToJson().dump(), b->ToJson().dump());
  };
  Options options;
  // A roster after 5 MiB of prose (several pieces), in UTF-8 and UTF-16.
  std::string prose;
  while (prose.size() < (size_t{5} << 20)) {
    prose += "本日の会議では予算について議論した。\n";
  }
  std::string text = prose + std::string(kRoster);
  check(text, options);
  check(std::string(kRoster), options);
  check(Gzip(kRoster), options);
  check(
      R"([{"氏名":"山田 太郎","住所":"東京都東村山市本町1-2-3","電話":"090-1234-5678"}])",
      options);
  check("", options);
  options.max_input = 1000;  // partial
  check(text, options);
  close(fd);
}

}  // namespace
}  // namespace piiguard::roster
