{{%AUTOESCAPE context="HTML"}}
{{! GET and POST /exceptions/issue (exception_issue_page.cc): the form to
    issue a signed exception file for an enrolled PC, with the reason a
    POST was refused above it. }}
<p class="intro">{{INTRO}}</p>
{{#REFUSED}}<p class="error">{{TEXT}}</p>{{/REFUSED}}
{{#NOTICE}}<p class="notice">{{TEXT}}</p>{{/NOTICE}}
{{#FORM}}<form method="post" action="/exceptions/issue" class="issue"><fieldset>
<p><label>{{PC_LABEL}} <select name="pc">
{{#PC_OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{VALUE}}</option>{{/PC_OPTION}}
</select></label></p>
<p><label>{{SCOPE_LABEL}} <select name="scope">
{{#SCOPE_OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/SCOPE_OPTION}}
</select></label></p>
<p><label>{{IDENTITY_LABEL}} <input name="identity" value="{{IDENTITY}}" size="66" maxlength="64" autocomplete="off"></label><br>
<small>{{IDENTITY_HELP}}</small></p>
<p><label>{{MINUTES_LABEL}} <select name="minutes">
{{#MINUTES_OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{VALUE}}</option>{{/MINUTES_OPTION}}
</select></label><br><small>{{MINUTES_HELP}}</small></p>
<p><label>{{PERSON_LABEL}} <select name="person">
{{#PERSON_OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/PERSON_OPTION}}
</select></label></p>
<p><label>{{REASON_LABEL}} <input name="reason" value="{{REASON}}" size="60" required></label><br>
<small>{{REASON_HELP}}</small></p>
<p><label>{{DAYS_LABEL}} <select name="days">
{{#DAYS_OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{VALUE}}</option>{{/DAYS_OPTION}}
</select></label></p>
{{>FORM_FIELDS}}<button type="submit">{{SUBMIT}}</button>
</fieldset></form>{{/FORM}}
<p><a href="{{QUEUE_HREF}}">{{QUEUE}}</a></p>
