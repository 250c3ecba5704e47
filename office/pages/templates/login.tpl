{{%AUTOESCAPE context="HTML"}}
{{! The login form (login.h). }}
<div class="login">
{{#ERROR}}<p class="error">{{TEXT}}</p>{{/ERROR}}
{{#NOTICE}}<p class="notice">{{TEXT}}</p>{{/NOTICE}}
<p>{{INTRO}}</p><form method="post" action="/login">
<input type="hidden" name="csrf" value="{{LOGIN_TOKEN}}">{{>FORM_FIELDS}}
<label>{{USER_LABEL}}<input name="user" autocomplete="username" required value="{{USER}}"></label>
<label>{{PASSWORD_LABEL}}<input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">{{SUBMIT}}</button></form></div>
