{{%AUTOESCAPE context="HTML"}}
{{! A table of journal events (event_format.h: AddEventsTable). }}
<table><tr>{{#TH}}<th>{{LABEL}}</th>{{/TH}}</tr>
{{#ROW}}<tr><td class="nw">{{TIME}}</td><td class="nw">{{PC}}</td>
<td>{{CONSIGNEE}}</td>
{{#NEAR}}<td>{{USER}}</td><td>{{TEXT}}</td>{{/NEAR}}
{{#OTHER}}<td><span class="badge sev-{{SEV_KEY}}">{{SEV_LABEL}}</span></td>
<td>{{>TYPE_CELL}}</td><td>{{SUBJECT}}</td><td>{{SUMMARY}}</td>{{/OTHER}}
<td><a href="{{HREF}}">{{MORE}}</a></td></tr>{{/ROW}}
</table>
