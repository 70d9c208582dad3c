// django-celery-beat's periodic task form: say in words when the chosen crontab runs.
// Its own template does this in an inline script, which the Content-Security-Policy refuses;
// templates/admin/djcelery/change_periodictask_form.html loads this file instead.
(function () {
  "use strict";
  const $ = django.jQuery;
  $(function () {
    const readable = JSON.parse($("#readable-crontabs").text());
    const help = $(".field-crontab .help");
    const original = help.html();
    $(".field-crontab_translation").hide();
    $(".field-crontab").change(function () {
      const words = readable[$("#id_crontab").val()];
      help.html(original).append("<br>", document.createTextNode(`Translation: ${words}`));
    });
  });
})();
