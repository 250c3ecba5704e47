#include "office/pages/page_templates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace piiguard::office {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(PageTemplatesTest, EveryEmbeddedTemplateParses) {
  Status status = PageTemplatesStatus();
  EXPECT_TRUE(status.ok()) << status.message();
}

TEST(PageTemplatesTest, TheStyleSheetIsEmbedded) {
  EXPECT_THAT(std::string(PagesCss()), HasSubstr("body{margin:0;"));
}

// The message page: element text.
TEST(PageTemplatesTest, ElementTextIsEscaped) {
  ctemplate::TemplateDictionary dict("test");
  dict.SetValue("MESSAGE", "<script>alert('x')</script>&\"");
  Result<std::string> html = ExpandPage(kMessageTemplate, dict);
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_EQ(*html,
            "<p class=\"error\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
            "&amp;&quot;</p>");
}

// The form fields: quoted attribute values.
TEST(PageTemplatesTest, AttributeValuesAreEscaped) {
  ctemplate::TemplateDictionary dict("test");
  dict.AddSectionDictionary("CSRF")->SetValue("TOKEN", "\"><script>x</script>");
  dict.AddSectionDictionary("LANG")->SetValue("VALUE", "' onfocus='x");
  Result<std::string> html = ExpandPage(kFormFieldsTemplate, dict);
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_EQ(*html,
            "<input type=\"hidden\" name=\"csrf\" "
            "value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">"
            "<input type=\"hidden\" name=\"lang\" "
            "value=\"&#39; onfocus=&#39;x\">");
}

// A URL attribute that starts with a value: a javascript: (or any scheme
// but http and https) URL becomes "#"; a relative link is kept, escaped.
TEST(PageTemplatesTest, UrlsWithAScriptSchemeAreRefused) {
  for (const char* url : {"javascript:alert(1)", " JavaScript:alert(1)",
                          "data:text/html,x", "vbscript:x"}) {
    ctemplate::TemplateDictionary dict("test");
    dict.SetValue("CSV_HREF", url);
    dict.SetValue("CSV", "csv");
    Result<std::string> html = ExpandPage(kPcsTemplate, dict);
    ASSERT_TRUE(html.ok()) << html.status().message();
    EXPECT_THAT(*html, HasSubstr(R"(<a href="#">csv</a>)")) << url;
    EXPECT_THAT(*html, Not(HasSubstr("script:"))) << url;
  }
  ctemplate::TemplateDictionary dict("test");
  dict.SetValue("CSV_HREF", "/pcs.csv?a=1&b=\"'<");
  Result<std::string> html = ExpandPage(kPcsTemplate, dict);
  ASSERT_TRUE(html.ok());
  EXPECT_THAT(*html,
              HasSubstr(R"(<a href="/pcs.csv?a=1&amp;b=&quot;&#39;&lt;">)"));
}

// The JSON of a record keeps its lines, still escaped.
TEST(PageTemplatesTest, PreformattedTextKeepsLinesAndIsEscaped) {
  ctemplate::TemplateDictionary dict("test");
  ctemplate::TemplateDictionary* type = dict.AddIncludeDictionary("TYPE_CELL");
  type->SetFilename(kTypeCellTemplate);
  dict.SetValue("JSON", "{\n  \"a\": \"</pre><script>\"\n}");
  Result<std::string> html = ExpandPage(kEventTemplate, dict);
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_THAT(*html,
              HasSubstr("<pre>{\n  &quot;a&quot;: "
                        "&quot;&lt;/pre&gt;&lt;script&gt;&quot;\n}</pre>"));
}

TEST(PageTemplatesTest, AnUnknownTemplateIsAnErrorNotAFileLookup) {
  ctemplate::TemplateDictionary dict("test");
  EXPECT_FALSE(ExpandPage("/etc/passwd", dict).ok());
  EXPECT_FALSE(ExpandPage("no_such.tpl", dict).ok());
  // An include of a name that is not embedded fails the page.
  dict.AddIncludeDictionary("BODY")->SetFilename("/etc/hostname");
  EXPECT_FALSE(ExpandPage(kShellTemplate, dict).ok());
}

}  // namespace
}  // namespace piiguard::office
