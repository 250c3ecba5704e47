{{%AUTOESCAPE context="HTML"}}
{{! POST /exceptions/issue (exception_issue_page.cc): the file issued and
    queued, and what staff will see. }}
<p class="notice">{{TEXT}}</p>
<table>
{{#ROW}}<tr><th>{{LABEL}}</th><td>{{VALUE}}</td></tr>{{/ROW}}
</table>
<p>{{STAFF_SEES}}</p>
<p><a href="{{QUEUE_HREF}}">{{QUEUE}}</a> | <a href="{{ISSUE_HREF}}">{{ISSUE}}</a></p>
