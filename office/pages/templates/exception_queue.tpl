{{%AUTOESCAPE context="HTML"}}
{{! GET /exceptions/queue (exception_queue_page.cc): the signed exception
    files queued for the PCs' sync, newest first, with a form to withdraw
    one still waiting. }}
<p class="intro">{{INTRO}}</p>
{{#NOTICE}}<p class="notice">{{TEXT}}</p>{{/NOTICE}}
{{#ISSUE_LINK}}<p><a href="{{HREF}}">{{TEXT}}</a></p>{{/ISSUE_LINK}}
{{#EMPTY}}<p>{{TEXT}}</p>{{/EMPTY}}
{{#FILES}}<table><tr>{{#TH}}<th>{{LABEL}}</th>{{/TH}}</tr>
{{#ROW}}<tr><td>{{PC}}</td><td class="raw">{{ID}}</td>
<td>{{SCOPE}}{{#IDENTITY}}<br><span class="raw">{{VALUE}}</span>{{/IDENTITY}}</td>
<td>{{PERSON}}</td><td>{{REASON}}</td>
<td>{{ISSUED_BY}}<br><span class="nw">{{PUBLISHED}}</span></td>
<td class="nw">{{REDEEM_BY}}</td><td>{{STATE}}</td>
<td>{{#WITHDRAW}}<form method="post" action="/exceptions/queue/withdraw">
<input type="hidden" name="pc" value="{{PC}}"><input type="hidden" name="id" value="{{ID}}">
{{>FORM_FIELDS}}<button type="submit">{{LABEL}}</button></form>{{/WITHDRAW}}</td></tr>{{/ROW}}
</table>{{/FILES}}
