{{%AUTOESCAPE context="HTML"}}
{{! GET /reports (reports_page.cc): status reports (R8). }}
{{#REQUESTED}}<p class="notice">{{TEXT}}</p>{{/REQUESTED}}
<p class="intro">{{INTRO}}</p>
<form method="post" action="/reports/request" class="filters"><fieldset>
<label>{{PC_LABEL}}<select name="pc">
{{#PC_OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{VALUE}}</option>{{/PC_OPTION}}
</select></label>{{>FORM_FIELDS}}<button type="submit">{{ASK}}</button>
</fieldset></form>
<p><a href="{{CSV_HREF}}">{{CSV}}</a></p>
{{#EMPTY}}<p>{{NO_RECORDS}}</p>{{/EMPTY}}
{{#REQUESTS}}<table><tr>{{#TH}}<th>{{LABEL}}</th>{{/TH}}</tr>
{{#ROW}}<tr><td>{{PC}}</td><td>{{REQUESTED_AT}}</td><td>{{REQUESTED_BY}}</td>
<td>{{RECEIVED_AT}}</td><td>{{SUMMARY}}
{{#RECEIVED}}<details><summary>JSON</summary><pre>{{JSON:pre_escape}}</pre></details>{{/RECEIVED}}
</td></tr>{{/ROW}}
</table>{{/REQUESTS}}
