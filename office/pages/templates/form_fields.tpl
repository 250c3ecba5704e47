{{%AUTOESCAPE context="HTML"}}
{{#CSRF}}<input type="hidden" name="csrf" value="{{TOKEN}}">{{/CSRF}}
{{#LANG}}<input type="hidden" name="lang" value="{{VALUE}}">{{/LANG}}
