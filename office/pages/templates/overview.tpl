{{%AUTOESCAPE context="HTML"}}
{{! GET / (overview_page.cc): incidents and failed PCs first. }}
<h2>{{INCIDENTS_HEADING}}</h2>
{{#NO_INCIDENTS}}<p class="notice">{{NONE}}</p>{{/NO_INCIDENTS}}
{{#INCIDENTS}}<div class="alert"><p>{{INTRO}}</p><table>
<tr>{{#TH}}<th>{{LABEL}}</th>{{/TH}}</tr>
{{#INCIDENT}}<tr class="failed"><td>{{TIME}}</td><td>{{PC}}</td>
<td>{{CONSIGNEE}}</td>
<td>{{MEANING}}<span class="raw">{{TECHNICAL}}</span></td></tr>{{/INCIDENT}}
</table></div>{{/INCIDENTS}}
{{#FAILED}}<h2>{{HEADING}}</h2><table>
<tr>{{#TH}}<th>{{LABEL}}</th>{{/TH}}</tr>
{{#ROW}}<tr class="failed"><td>{{PC}}</td><td>{{CONSIGNEE}}</td>
<td>{{STATE}}</td></tr>{{/ROW}}
</table>{{/FAILED}}
<h2>{{RECENT_HEADING}}</h2><ul>
<li><a href="{{VIOLATIONS_HREF}}">{{RECENT_VIOLATIONS}}</a></li>
<li><a href="{{NEAR_MISSES_HREF}}">{{RECENT_NEAR_MISSES}}</a></li>
<li><a href="{{REPORTS_HREF}}">{{PENDING_REPORTS}}</a></li>
<li{{#EXCEPTION_ALARM}} class="alert"{{/EXCEPTION_ALARM}}>
<a href="{{EXCEPTIONS_HREF}}">{{EXCEPTIONS}}</a></li>
<li><a href="{{EXCEPTION_QUEUE_HREF}}">{{EXCEPTION_QUEUE}}</a></li></ul>
{{#VIOLATIONS}}<h2>{{HEADING}}</h2>{{>EVENTS_TABLE}}{{/VIOLATIONS}}
{{#NEAR_MISSES}}<h2>{{HEADING}}</h2>{{>EVENTS_TABLE}}{{/NEAR_MISSES}}
