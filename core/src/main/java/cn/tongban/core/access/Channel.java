package cn.tongban.core.access;

/** Where an application came in. */
public enum Channel { WINDOW, WEB, MINI_PROGRAM, KIOSK, HOTLINE, HOME_VISIT }
