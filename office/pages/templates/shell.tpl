{{%AUTOESCAPE context="HTML"}}
{{! The layout around every review page (page_shell.h). }}
<!DOCTYPE html>{{BI_NEWLINE}}
<html lang="{{HTML_LANG}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} | {{APP_TITLE}}</title>
<link rel="stylesheet" href="/pages.css"></head>
<body><header><div class="brand">{{APP_TITLE}}</div>
{{#NAV}}<nav class="main">
{{#ITEM}}<a href="{{HREF}}"{{#CURRENT}} class="current"{{/CURRENT}}>{{LABEL}}</a>{{/ITEM}}
</nav>{{/NAV}}
<div class="user">
{{#USER}}<span>{{LOGGED_IN_AS}}</span>
<form method="post" action="/logout" class="inline">{{>FORM_FIELDS}}
<button type="submit">{{LOGOUT}}</button></form>{{/USER}}
<a href="{{OTHER_LANG_HREF}}">{{OTHER_LANG}}</a></div></header>
<main><h1>{{TITLE}}</h1>{{>BODY}}</main></body></html>
{{BI_NEWLINE}}
